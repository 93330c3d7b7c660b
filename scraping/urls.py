from django.urls import path

from . import views

app_name = "scraping"

urlpatterns = [
    path("", views.scrapes, name="scrapes"),
    path("jobs/", views.start_job, name="start"),
    path("jobs/<int:job_id>/cancel/", views.cancel_job, name="cancel"),
    path("searches/", views.save_search, name="save-search"),
    path("searches/<int:search_id>/", views.edit_search, name="edit-search"),
    path("searches/<int:search_id>/toggle/", views.toggle_search, name="toggle-search"),
    path("policy/", views.set_policy, name="policy"),
]
