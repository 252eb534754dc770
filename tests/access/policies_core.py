from . import ANONYMOUS_ONLY, LOGIN, PRIVATE_ANY_USER, PUBLIC, REDIRECT, Covered, Policy

NON_STAFF = ("owner_a", "member_a", "owner_b", "staff_a", "staff_b", "student_a", "student_b")

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
    # The Django admin: staff only. Its login page is allauth's login behind a staff check.
    "admin:index": Policy({"*": REDIRECT, "moderator": 200}),
    "admin:login": Policy({"anonymous": LOGIN, "moderator": REDIRECT, "*": 403}),
    "admin:*": Covered(by="admin:index and tests/organisations/test_admin.py"),
}
