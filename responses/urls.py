from django.urls import path

from . import views

app_name = "responses"

urlpatterns = [
    path("queue/", views.approval_queue, name="queue"),
    path("queue/approve/", views.bulk_approve, name="bulk-approve"),
    path("drafts/<int:draft_id>/", views.draft_card, name="draft"),
    path("drafts/<int:draft_id>/approve/", views.approve, name="approve"),
    path("drafts/<int:draft_id>/reject/", views.reject, name="reject"),
    path("drafts/<int:draft_id>/edit/", views.edit, name="edit"),
    path("drafts/<int:draft_id>/sent/", views.mark_sent, name="mark-sent"),
    path("drafts/<int:draft_id>/outcome/", views.outcome, name="outcome"),
    path("leads/<int:lead_id>/drafts/", views.lead_drafts, name="lead-drafts"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template-new"),
    path("templates/<int:template_id>/", views.template_edit, name="template-edit"),
    path("templates/preview/", views.template_preview, name="template-preview"),
    path("ab-tests/", views.ab_tests, name="ab-tests"),
    path("alerts/", views.alert_settings, name="alerts"),
    path("alerts/test/", views.alert_test, name="alerts-test"),
    path("optout/<str:token>/", views.optout, name="optout"),
]
