from django.urls import path

from . import views

app_name = "qualification"

urlpatterns = [
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/preview/", views.preview, name="preview"),
    path("criteria/save/", views.save, name="save"),
    path("rescore/<int:run_id>/", views.rescore_progress, name="rescore"),
    path("leads/<int:lead_id>/score/", views.lead_score, name="lead-score"),
    path("leads/<int:lead_id>/qualify/", views.requalify, name="requalify"),
]
