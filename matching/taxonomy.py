"""Shared vocabularies of the taxonomy: skill levels and weights, skill categories, need
categories. A leaf module (no models): organisations and students import it freely."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    NOTIONS = 1, _("Basic knowledge")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")
    EXPERT = 4, _("Expert")


# For a level field: a forged or mistyped value gets this rather than "not a valid choice".
LEVEL_ERROR_MESSAGES = {
    "invalid_choice": _("Choose a level between 1 (basic knowledge) and 4 (expert)."),
}


class SkillWeight(models.IntegerChoices):
    NICE_TO_HAVE = 1, _("Nice to have")
    IMPORTANT = 2, _("Important")
    ESSENTIAL = 3, _("Essential")


class SkillCategory(models.TextChoices):
    FRONTEND = "frontend", _("Front-end web development")
    BACKEND = "backend", _("Back-end development")
    WEB_CONTENT = "web_content", _("Websites, content and online visibility")
    DATABASE = "database", _("Databases")
    DATA = "data", _("Data and dashboards")
    MOBILE = "mobile", _("Mobile apps")
    DESIGN_UX = "design_ux", _("Design and user experience")
    NOCODE = "nocode", _("No-code and automation")
    CRM_TOOLS = "crm_tools", _("CRM and management tools")
    INFRA_SECURITY = "infra_security", _("Infrastructure and cybersecurity")
    PROJECT_MANAGEMENT = "project_management", _("Project management")
    DIGITAL_TRAINING = "digital_training", _("Digital training and mediation")


class NeedCategory(models.TextChoices):
    """What kind of digital need a brief describes (chosen by the organisation)."""

    WEBSITE = "website", _("Website")
    CRM = "crm", _("CRM / members management")
    DATABASE = "database", _("Database")
    MOBILE_APP = "mobile_app", _("Mobile app")
    AUTOMATION = "automation", _("Automation")
    DATA = "data", _("Data and dashboards")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    DIGITAL_TRAINING = "digital_training", _("Digital training")
    OTHER = "other", _("Other")
