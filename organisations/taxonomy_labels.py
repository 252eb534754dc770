"""Labels of the shared taxonomy that the brief pages display, listed so that this app's
catalogue translates them (makemessages reads these calls).

The vocabulary itself lives in ``matching.taxonomy``; the matching app has no catalogue of
its own yet. Same English text, same French text: if matching adds one, they agree.
"""

from django.utils.translation import gettext_noop

TAXONOMY_LABELS = (
    # matching.taxonomy.NeedCategory
    gettext_noop("Website"),
    gettext_noop("CRM / members management"),
    gettext_noop("Database"),
    gettext_noop("Mobile app"),
    gettext_noop("Automation"),
    gettext_noop("Data and dashboards"),
    gettext_noop("Cybersecurity"),
    gettext_noop("Digital training"),
    gettext_noop("Other"),
    # SkillLevel and SkillWeight
    gettext_noop("Basic knowledge"),
    gettext_noop("Intermediate"),
    gettext_noop("Advanced"),
    gettext_noop("Expert"),
    gettext_noop("Nice to have"),
    gettext_noop("Important"),
    gettext_noop("Essential"),
    # SkillCategory (groups of the skill lists)
    gettext_noop("Front-end web development"),
    gettext_noop("Back-end development"),
    gettext_noop("Websites, content and online visibility"),
    gettext_noop("Databases"),
    gettext_noop("Mobile apps"),
    gettext_noop("Design and user experience"),
    gettext_noop("No-code and automation"),
    gettext_noop("CRM and management tools"),
    gettext_noop("Infrastructure and cybersecurity"),
    gettext_noop("Project management"),
    gettext_noop("Digital training and mediation"),
    # The skill picker (matching/skill_picker.html) on the skills step
    gettext_noop("Search a skill (e.g. “bdd”, “site web”, “React”)"),
    gettext_noop("Matching skills"),
    gettext_noop("No skill matches “%(query)s”. Try another word, in French or English."),
)
