from django.urls import path

from . import api

urlpatterns = [
    path(
        "leads/<int:lead_id>/qualify",
        api.QualifyLeadView.as_view(),
        name="api-lead-qualify",
    ),
    path(
        "qualification/qualify/<int:lead_id>",
        api.QualifyLeadView.as_view(),
        name="api-qualify",
    ),
    path(
        "qualification/criteria", api.CriterionListView.as_view(), name="api-criteria"
    ),
    path(
        "qualification/criteria/<int:criterion_id>",
        api.CriterionDetailView.as_view(),
        name="api-criterion",
    ),
]
