from . import ANONYMOUS_ONLY, LOGIN, PRIVATE_ANY_USER, PUBLIC, REDIRECT, Covered, Policy

NON_STAFF = ("owner_a", "member_a", "owner_b", "staff_a", "staff_b", "student_a", "student_b")

MFA_REAUTHENTICATE_FIRST = Policy({"*": REDIRECT, "anonymous": LOGIN})
MFA_NEEDS_AN_AUTHENTICATOR = Policy({"*": 404, "anonymous": LOGIN})

POLICIES = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "legal_notice": PUBLIC,
    "privacy": PUBLIC,
    "accessibility": PUBLIC,
    "terms": PUBLIC,
    "dashboard": PRIVATE_ANY_USER,
    "set_language": Policy({"*": REDIRECT}, method="post", data=lambda cast: {"language": "en"}),
    "accounts:settings": PRIVATE_ANY_USER,
    # allauth
    "account_login": ANONYMOUS_ONLY,
    "account_signup": ANONYMOUS_ONLY,
    "account_logout": Policy({"*": 200, "anonymous": REDIRECT}),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": Policy(
        {"*": 200}, kwargs=lambda cast: {"uidb36": "zz", "key": "bad-key"}
    ),
    "account_reset_password_from_key_done": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": Policy({"*": 200}, kwargs=lambda cast: {"key": "not-a-real-key"}),
    "account_inactive": PUBLIC,
    "account_change_password": PRIVATE_ANY_USER,
    "account_set_password": Policy({"*": REDIRECT, "anonymous": LOGIN}),
    "account_email": PRIVATE_ANY_USER,
    "account_reauthenticate": PRIVATE_ANY_USER,
    "account_confirm_login_code": Policy({"*": REDIRECT}),
    "account_request_reauthentication_code": PRIVATE_ANY_USER,
    "account_confirm_reauthentication_code": Policy({"*": REDIRECT, "anonymous": LOGIN}),
    # allauth.mfa: managing one's second factor needs an account and a fresh password
    # (reauthentication first: a redirect); what needs an authenticator set up is a 404
    # without one; the login step is only for a login in progress.
    "mfa_index": PRIVATE_ANY_USER,
    "mfa_activate_totp": MFA_REAUTHENTICATE_FIRST,
    "mfa_generate_recovery_codes": MFA_REAUTHENTICATE_FIRST,
    # The cast's moderator has an authenticator app (staff need one, tests.factories).
    "mfa_reauthenticate": Policy({"*": REDIRECT, "anonymous": LOGIN, "moderator": 200}),
    "mfa_authenticate": MFA_REAUTHENTICATE_FIRST,
    "mfa_deactivate_totp": Policy({"*": 404, "anonymous": LOGIN, "moderator": REDIRECT}),
    "mfa_view_recovery_codes": MFA_NEEDS_AN_AUTHENTICATOR,
    "mfa_download_recovery_codes": MFA_NEEDS_AN_AUTHENTICATOR,
    # The Django admin: staff only. Its login page is allauth's login behind a staff check.
    "admin:index": Policy({"*": REDIRECT, "moderator": 200}),
    "admin:login": Policy({"anonymous": LOGIN, "moderator": REDIRECT, "*": 403}),
    "admin:*": Covered(by="admin:index and tests/organisations/test_admin.py"),
}
