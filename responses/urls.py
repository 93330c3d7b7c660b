from django.urls import path

from . import views

app_name = "responses"

urlpatterns = [
    path("queue/", views.approval_queue, name="queue"),
    path("templates/", views.template_list, name="templates"),
]
