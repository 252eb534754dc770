from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .taxonomy import NeedCategory, SkillCategory, SkillLevel, SkillWeight


class BilingualName(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Skill(BilingualName):
    """A skill of the taxonomy (curated from ESCO and ROME, see docs/taxonomy.md)."""

    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(_("category"), max_length=32, choices=SkillCategory.choices)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    esco_uri = models.URLField(_("ESCO concept URI"), max_length=200, blank=True)
    esco_label = models.CharField(_("ESCO label"), max_length=200, blank=True)
    rome_ogr = models.CharField(_("ROME OGR code"), max_length=12, blank=True)
    # Normalised names and aliases (matching.taxonomy_search.search_text), for the picker.
    search_text = models.TextField(editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    related: "models.ManyToManyField[Skill, SkillRelation]" = models.ManyToManyField(
        "self", through="SkillRelation", symmetrical=False, blank=True
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering: ClassVar = ["name_fr"]


class SkillRelation(models.Model):
    """Partial credit: a student with ``from_skill`` covers ``to_skill`` at ``similarity``."""

    from_skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations")
    to_skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(_("similarity"))

    class Meta:
        verbose_name = _("related skill")
        verbose_name_plural = _("related skills")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["from_skill", "to_skill"], name="skillrelation_unique"),
            models.CheckConstraint(
                condition=Q(similarity__gt=0) & Q(similarity__lt=1),
                name="skillrelation_similarity_0_1",
            ),
            models.CheckConstraint(
                condition=~Q(from_skill=F("to_skill")), name="skillrelation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_skill} ~ {self.to_skill} ({self.similarity:.2f})"


class Cause(BilingualName):
    """A social cause organisations serve and students care about."""

    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering: ClassVar = ["name_fr"]


class NeedCategorySkill(models.Model):
    """A default skill proposed to a brief's author for a need category."""

    category = models.CharField(_("need category"), max_length=32, choices=NeedCategory.choices)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    weight = models.PositiveSmallIntegerField(_("weight"), choices=SkillWeight.choices)

    class Meta:
        verbose_name = _("default skill of a need category")
        verbose_name_plural = _("default skills of need categories")
        ordering: ClassVar = ["category", "-weight", "skill__name_fr"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["category", "skill"], name="needcategoryskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.skill}"
