from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("leads/", views.lead_list, name="list"),
    path("leads/bulk/", views.bulk_action, name="bulk"),
    path("leads/export.<str:fmt>", views.export, name="export"),
    path("leads/<int:lead_id>/", views.lead_detail, name="detail"),
    path("leads/<int:lead_id>/memory/", views.lead_memory, name="memory"),
]
