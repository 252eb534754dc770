"""Help shown to authors while they write a brief: per kind of need, what to say and an
example in plain words. Presentation data only."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.taxonomy import NeedCategory


@dataclass(frozen=True)
class CategoryGuide:
    category: str
    # The pictogram's SVG shapes (24×24 grid, stroked; see templatetags.category_icon).
    icon: str
    summary: Promise
    problem_example: Promise
    outcome_example: Promise

    @property
    def label(self) -> str:
        return str(NeedCategory(self.category).label)


GUIDES: dict[str, CategoryGuide] = {
    NeedCategory.WEBSITE: CategoryGuide(
        NeedCategory.WEBSITE,
        (
            '<circle cx="12" cy="12" r="9"/>'
            '<path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>'
        ),
        _("A new website, or a redesign: pages, news, a donation or membership form."),
        _(
            "Our website dates from 2012 and nobody can update it. Visitors cannot find our "
            "opening hours, and members call us to ask how to renew their membership."
        ),
        _(
            "A simple website that two volunteers can update alone, with our news, our "
            "opening hours and an online membership form."
        ),
    ),
    NeedCategory.CRM: CategoryGuide(
        NeedCategory.CRM,
        (
            '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/>'
            '<circle cx="17" cy="9" r="2.5"/><path d="M16 14.2a5 5 0 0 1 6 4.8"/>'
        ),
        _("Know and follow your members, donors or volunteers in one place."),
        _(
            "Our 400 members are spread over three spreadsheets. We forget reminders for "
            "membership fees and we cannot tell who came to which event."
        ),
        _(
            "One tool where we find each member, their fee and their attendance, and send "
            "the yearly reminder in a few clicks."
        ),
    ),
    NeedCategory.DATABASE: CategoryGuide(
        NeedCategory.DATABASE,
        (
            '<ellipse cx="12" cy="5.5" rx="8" ry="3"/>'
            '<path d="M4 5.5v13c0 1.7 3.6 3 8 3s8-1.3 8-3v-13M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>'
        ),
        _("Replace scattered spreadsheets with one reliable database."),
        _(
            "We record every food parcel in a different spreadsheet per site; the totals "
            "never match and the yearly report takes us two weeks."
        ),
        _("A shared database that every site fills in, and totals that are right the first time."),
    ),
    NeedCategory.MOBILE_APP: CategoryGuide(
        NeedCategory.MOBILE_APP,
        '<rect x="6.5" y="2.5" width="11" height="19" rx="2"/><path d="M11 18h2"/>',
        _("An app on a phone for your public or your volunteers."),
        _(
            "Our volunteers organise the rounds by text message; some forget, and we learn "
            "too late that a round is not covered."
        ),
        _("An app where volunteers see the rounds, sign up, and get a reminder the day before."),
    ),
    NeedCategory.AUTOMATION: CategoryGuide(
        NeedCategory.AUTOMATION,
        (
            '<path d="M4 12a8 8 0 0 1 13.7-5.6L20 8.5M20 4v4.5h-4.5"/>'
            '<path d="M20 12a8 8 0 0 1-13.7 5.6L4 15.5M4 20v-4.5h4.5"/>'
        ),
        _("Stop doing the same task by hand every week."),
        _(
            "Every Monday we copy the registrations from our online form into a spreadsheet, "
            "then send each person a confirmation email by hand."
        ),
        _("Registrations land in the spreadsheet and the confirmations leave on their own."),
    ),
    NeedCategory.DATA: CategoryGuide(
        NeedCategory.DATA,
        '<path d="M4 20h16M7 16v-5M12 16V6M17 16v-8"/>',
        _("Figures and dashboards to steer your work and report to funders."),
        _(
            "Our funders ask for figures on the people we support; we count them by hand "
            "at the end of the year, and never quite the same way."
        ),
        _("A dashboard, updated each month, with the figures our funders ask for."),
    ),
    NeedCategory.CYBERSECURITY: CategoryGuide(
        NeedCategory.CYBERSECURITY,
        (
            '<path d="M12 2.5l7.5 3v6c0 4.6-3.2 8.5-7.5 10-4.3-1.5-7.5-5.4-7.5-10v-6z"/>'
            '<path d="M9 12l2 2 4-4"/>'
        ),
        _("Protect your data, your accounts and the people you support."),
        _(
            "We keep sensitive files on our computers and share one password for everything. "
            "We don't know what we should do to comply with the GDPR."
        ),
        _(
            "A short check of our practices, the urgent fixes done, and simple rules the "
            "team understands."
        ),
    ),
    NeedCategory.DIGITAL_TRAINING: CategoryGuide(
        NeedCategory.DIGITAL_TRAINING,
        '<path d="M2 9l10-5 10 5-10 5z"/><path d="M6 11v5c0 1.7 2.7 3 6 3s6-1.3 6-3v-5"/>',
        _("Workshops or guides so that your team or your public feel at ease with digital tools."),
        _(
            "The people we support struggle with online government services; our volunteers "
            "help them but have no material to rely on."
        ),
        _("Workshop material and short guides our volunteers can reuse on their own."),
    ),
    NeedCategory.OTHER: CategoryGuide(
        NeedCategory.OTHER,
        (
            '<path d="M9 18h6M10 21h4"/>'
            '<path d="M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5'
            'c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z"/>'
        ),
        _("Something else: describe it, students and the moderators will help you."),
        _("Describe the situation, who is affected and what it costs you today."),
        _("Describe what would change for you and the people you support."),
    ),
}


def guide_for(category: str) -> CategoryGuide:
    return GUIDES.get(category, GUIDES[NeedCategory.OTHER])
