from django.urls import path

from . import api

urlpatterns = [
    path("scraper/jobs", api.JobListCreateView.as_view(), name="api-scrape-jobs"),
    path(
        "scraper/jobs/<int:job_id>", api.JobDetailView.as_view(), name="api-scrape-job"
    ),
    path(
        "scraper/jobs/<int:job_id>/cancel",
        api.JobCancelView.as_view(),
        name="api-scrape-job-cancel",
    ),
    path(
        "scraper/queue/status", api.QueueStatusView.as_view(), name="api-scrape-queue"
    ),
]
