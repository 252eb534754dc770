from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin signs in through allauth (rate limits, verified email), never its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("HumanITech moderation")
admin.site.site_title = "HumanITech"
admin.site.index_title = _("Moderation")

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("legal-notice/", views.legal_page, {"page": "legal_notice"}, name="legal_notice"),
    path("privacy/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path("terms/", views.legal_page, {"page": "terms"}, name="terms"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("organisations/", include("organisations.urls")),
    path("briefs/", include("organisations.urls_briefs")),
    path("", include("students.urls")),
    path("matching/", include("matching.urls")),
    path("notifications/", include("notifications.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler500 = "humanitech.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
