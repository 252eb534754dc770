from . import PRIVATE_ANY_USER

POLICIES = {
    "matching:skill_search": PRIVATE_ANY_USER,
}
