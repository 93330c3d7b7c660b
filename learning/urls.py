from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("leads/<int:lead_id>/advice/", views.lead_advice, name="lead-advice"),
]
