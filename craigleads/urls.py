"""Top-level URLs: console pages from each app, the API under /api/v1/, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api, lockout, views

handler403 = "craigleads.views.permission_denied"
handler404 = "craigleads.views.page_not_found"
handler500 = "craigleads.views.server_error"

api_v1: list[URLPattern | URLResolver] = [
    path("", api.ApiRootView.as_view(), name="api-root"),
    path("", include("leads.api_urls")),
    path("", include("scraping.api_urls")),
    path("", include("qualification.api_urls")),
    path("", include("responses.api_urls")),
    path("", include("learning.api_urls")),
]

urlpatterns = [
    path(
        "login/",
        login_not_required(lockout.LoginView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("scrapes/", include("scraping.urls")),
    path("replies/", include("responses.urls")),
    path("qualification/", include("qualification.urls")),
    path("learning/", include("learning.urls")),
    path("", include("leads.urls")),
]
