from django.urls import path

from . import api

urlpatterns = [
    path("drafts", api.DraftListView.as_view(), name="api-drafts"),
    path("drafts/<int:draft_id>", api.DraftDetailView.as_view(), name="api-draft"),
    path(
        "drafts/<int:draft_id>/transition",
        api.DraftTransitionView.as_view(),
        name="api-draft-transition",
    ),
    path(
        "drafts/<int:draft_id>/outcome",
        api.DraftOutcomeView.as_view(),
        name="api-draft-outcome",
    ),
    path("templates", api.TemplateListView.as_view(), name="api-templates"),
    path(
        "templates/<int:template_id>",
        api.TemplateDetailView.as_view(),
        name="api-template",
    ),
    path(
        "templates/<int:template_id>/preview",
        api.TemplatePreviewView.as_view(),
        name="api-template-preview",
    ),
    path(
        "ab-tests/<int:test_id>/results",
        api.ABResultsView.as_view(),
        name="api-ab-results",
    ),
]
