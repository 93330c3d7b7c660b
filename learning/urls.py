from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.advisor, name="advisor"),
    path("versions/<int:version>/rollback/", views.rollback, name="rollback"),
    path("leads/<int:lead_id>/advice/", views.lead_advice, name="lead-advice"),
]
