from django.urls import path

from . import api

urlpatterns = [
    path("leads", api.LeadListView.as_view(), name="api-leads"),
    path("leads/<int:lead_id>", api.LeadDetailView.as_view(), name="api-lead-detail"),
    path(
        "leads/<int:lead_id>/similar",
        api.SimilarLeadsView.as_view(),
        name="api-lead-similar",
    ),
    path("memory/search", api.MemorySearchView.as_view(), name="api-memory-search"),
]
