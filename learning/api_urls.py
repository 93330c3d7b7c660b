from django.urls import path

from . import api

urlpatterns = [
    path(
        "leads/<int:lead_id>/feedback",
        api.LeadFeedbackView.as_view(),
        name="api-lead-feedback",
    ),
    path("ml/feedback", api.MlFeedbackView.as_view(), name="api-ml-feedback"),
    path("ml/predict", api.PredictView.as_view(), name="api-ml-predict"),
    path("ml/metrics", api.MetricsView.as_view(), name="api-ml-metrics"),
]
