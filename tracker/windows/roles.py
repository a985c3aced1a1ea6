"""Decide which date mentions are application dates, and whether they open or close.

Each mention is judged by its clause: the cue right before it ("tot en met", "vanaf"), a label
("Einddatum", "Deadline date"), a range or list it belongs to, and words that rule it out
(publication, entry into force, decisions, project periods …).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum

from tracker.windows import layout
from tracker.windows.dates import TIME_PATTERN, Mention
from tracker.windows.scan import WordHits, first_letter_guard, lowered
from tracker.windows.status import OFFICE, QUICK_GONE

_I = re.IGNORECASE


class DateRole(StrEnum):
    """What a date mention is to the application window (NONE: not an application date)."""

    OPEN = "open"
    CLOSE_INCL = "incl"  # last day to apply ("tot en met", "uiterlijk", "Deadline")
    CLOSE_EXCL = "excl"  # the day after the last one ("tot", "vóór" without a time)
    WINDOW = "window"  # labelled as a period ("Aanvraagperiode"), open or close unknown
    OLD = "old"  # superseded ("verschoven van 1 mei naar …")
    NONE = ""


OPEN, CLOSE_INCL, CLOSE_EXCL = DateRole.OPEN, DateRole.CLOSE_INCL, DateRole.CLOSE_EXCL
WINDOW, OLD, NONE = DateRole.WINDOW, DateRole.OLD, DateRole.NONE

# Cue words written right before the date ("tot en met 31 maart").
_ADJACENT_RE = re.compile(
    r"(?<![\w/])(?:(?P<none>na|after|na\s+afloop\s+van|deadlines?\s+(?:before|after|vóór|voor|na)"
    r"(?:\s+the)?|falls\s+on|valt\s+op"
    # a set of (other) deadlines, not a window: "calls with deadlines between now and 15 April"
    r"|deadlines?\s+(?:between|tussen)\s+(?:now|today|nu|vandaag)\s+(?:and|en)"
    # a spread of deadlines over several calls, no window: "De deadline … varieert naargelang de
    # oproep van eind november 2021 tot midden januari 2022", "deadlines vary from … to …"
    r"|(?P<spread>(?:varieert|variëren|verschilt|verschillen|varies|vary)(?:\s+(?:naargelang"
    r"|afhankelijk|per|depending|according)(?:\s+[\w-]+){0,4}?)?\s+(?:van|from|tussen|between))"
    r"|(?:deadlines|sluitingsdat(?:a|ums))\s+(?:between|tussen|from|van|up\s+to|until|till"
    r"|tot(?:\s+en\s+met)?|t/m)(?:\s+the)?)"
    r"|(?P<incl>t/m|tot\s+en\s+met|tot\s+uiterlijk|uiterlijk|until|till|through|by|due(?:\s+by)?"
    # "no later than" and its variant "not later than" (Interreg BSR: "not later than 30 March");
    # West Frisian "oant en mei" (t/m), also with the elided article: "oant ‘e mei" (fryslan.frl/fy)
    r"|up\s+to\s+and\s+including|not?\s+later\s+than|tot\s+op|oant\s+(?:en|['‘’`]\s?e)\s+mei"
    r"|tegen(?:\s+uiterlijk)?|ten\s+laatste"  # Flemish "tegen 1 februari": by that day
    r"|ending|ends|eindigend|eindigt"  # "starting on 17/11/2025 and ending on 31/12/2025"
    # "the second phase of the application process, which will terminate on 27 November 2015"
    r"|terminat(?:e|es|ing))"
    r"|(?P<excl>tot|vóór|voor|before|prior\s+to|oant)"
    r"|(?P<open>vanaf|van|fan|from|met\s+ingang\s+van|tussen|between|sinds|since|as\s+of"
    r"|starting(?:\s+(?:on|from))?|beginning|per))"
    # "vanaf aanstaande maandag 19 juni" ("a.s."/"as" are written out by clean_text)
    r"\s*:?\s*(?:op|on|de|het|is|the)?\s*(?:(?:aanstaande|oanstaande|komende)\s+)?$",
    _I,
)
# "not until" with at most a few words between: "not until", "will not open until", "not be
# accepted until".
# A closing verb between says the opposite ("does not close until 30 June": it closes then).
_NOT_UNTIL_RE = re.compile(
    r"\bnot\s+(?:(?!(?:close[sd]?|end(?:s|ed)?|expires?|run(?:s)?|last(?:s)?|due)\b)[\w-]+\s+){0,3}?"
    r"(?:until|till)\s+(?:the\s+)?$",
    _I,
)
# A date used as the attribute of a deadline noun right after it ("the May 13, 2025 deadline").
_ATTRIBUTIVE_DEADLINE_RE = re.compile(
    r"\s*(?:deadline|closing\s+date|cut-?off(?:\s+date)?|submission\s+deadline)\b", _I
)
_EVENT_TAIL = (
    r"s?[\s-]*(?:event|evenement|feest|party|ceremon\w*|bijeenkomst|meeting|sessie|session"
    r"|webinar|congres|conference)"
)
# Label words anywhere in the lead ("Einddatum", "opent op", "Deadline date:").
_LABEL_RE = first_letter_guard(
    re.compile(
        # not inside "verlopen", "afgelopen" ("Dit item is verlopen op 02-06-2018")
        # nor in a decision's name ("Openstellingsbesluit …, maart 2024"): that date is the
        # decision's (guide 8)
        r"(?P<open>startdatum|begindatum|(?<!l)(?:openingsdatum|opening(?:\s+date)?"
        # nor the adjective of an event for applicants ("Tijdens het open spreekuur op …"), also
        # a compound day or evening ("Kom naar de Open Loketdagen op 12 februari", faro.be on an
        # embassy's culture call): an information day (guide 8); a weekday stays ("open maandag")
        r"|open(?!stellings?besluit|\s+(?:spreekuur|huis|inloop"
        r"|(?!(?:maan|dins|woens|donder|vrij|zater|zon)dag)[\w-]*(?:dag|avond|middag|ochtend)(?:en)?\b))"
        r"s?|opent|opened)"
        r"|geopend|opengesteld|openstelling(?!s?besluit)|eerste\s+dag|start(?:s|ed)?(?!-)"
        # not a launch event, roadshow day or party ("het lanceringsevent … op 14 september"):
        # an event is a decoy (guide 8), applications need not open that day
        rf"|launch(?:es|ed)?(?!{_EVENT_TAIL})|lancering(?!{_EVENT_TAIL})"
        r"|applications?\s+available|begins?(?=\s+on)|date\s+d['’]ouverture)"
        r"|(?P<close>einddatum|sluitingsdatum|closing(?:\s+date)?|deadlines?(?:\s+dates?)?"
        # not inside "besluit" ("Uitvoeringsbesluit subsidies …, december 2019")
        # "cut off dates" with a space (UK trusts) as a noun only: "will be cut off" is a verb
        r"|cut-?off(?:\s+dates?)?|cut\s+off\s+dates?"
        r"|(?<!be)sluit(?:en|ing)?|closes?|uiterste\s+\w*datum|indiendatum"
        # past tense ("sloot donderdag om 14.00 uur"), not "besloot"/"besloten"
        r"|(?<!be)slo(?:ot|ten)\b"
        r"|(?:af)?gesloten(?!\s+(?:verklaard|tot|van))"
        r"|inleverdatum"
        # "indiendatum" written out ("De volgende datum voor het indienen van de dossiers is 10
        # maart 2024", leefmilieu.brussels via ecohuis.be, 2024)
        r"|(?<![\w-])datum\s+voor\s+(?:het\s+)?(?:indienen|indiening)\b"
        # French field labels on Brussels and bilingual pages ("Date de clôture : January 13th,
        # 2021", "Date limite de dépôt : 15 mars 2023")
        r"|date\s+(?:de\s+)?cl[ôo]ture|date\s+limite"
        # the English counterpart of "indiendatum" ("The submission date for the Vici is 14
        # March", "the submission dates … are known: 14 March for the Vici and …")
        r"|submission\s+dates?"
        # plural labels ("met uiterlijke indieningsdata 15 april en 15 oktober")
        r"|(?:sluitings|indienings|indien|inlever)data\b"
        # "Er zijn drie indienmomenten per jaar: 1 februari, 1 juni en 1 oktober", also the
        # long form ("Het uiterlijke indieningsmoment van de subsidieaanvraag is 15 mei 2022")
        r"|(?:indien(?:ings)?|inlever|aanvraag)moment(?:en)?\b"
        # ... spelled out ("Jaarlijks zijn er twee momenten waarop een aanvraag kan ingediend
        # worden, met name 1 april en 1 oktober", limburg1914-1918.be)
        r"|\bmomenten\s+(?:per\s+jaar\s+)?waarop\s+(?:[\w-]+\s+){0,2}?(?:\w*aanvra\w*|subsidie\w*"
        r"|projecten|dossiers?)\s+(?:[\w-]+\s+){0,3}?(?:ingediend|indienen|aangevraagd|aanvragen)"
        r"(?:\s+(?:worden|kan|kunnen|kunt))?\b"
        # "due" as a word: not inside "individuele", "residue" or "overdue"
        r"|indieningsdatum|(?<![a-z])due\b|end\s+(?:of\s+)?submissions?(?:\s+calls?)?"
        # the submission itself ("de definitieve indiening via het e-loket op 1 maart 2022")
        r"|indiening(?=\s+(?:(?!start|open|begin)[\w-]+\s+){0,5}?op\s*$)"
        # a call that ran out, the separable verb "aflopen" ("De derde oproep liep af op 14
        # maart"); only with a call word as subject, so a project that "loopt af" stays out
        r"|(?:oproep|openstelling|tijdvak|aanvraagperiode|aanvraagronde|ronde|indieningstermijn)"
        r"\w*(?:\s+(?!project)[\w-]+){0,3}?\s+(?:liep|liepen|loopt|lopen)\s+(?:\w+\s+){0,2}?af\b"
        # a stage row in a key-value list ("Intentieverklaring: 19 september 2017. /
        # Vooraanmelding: … / Uitgewerkte aanvragen: donderdag 22 maart 2018, 14.00 uur.",
        # "Full proposals: 3 March"): the day that stage is due (guide 6), with the colon only
        r"|(?:uitgewerkte|definitieve|volledige)\s+aanvra(?:ag|gen)(?=\s*:)"
        r"|full\s+(?:proposals?|applications?)(?=\s*:))"
        r"|(?P<window>aanvraagtijdvak|tijdvak|aanvraagperiode|aanvraagronde|indieningstermijn"
        r"|submission\s+period)",
        _I,
    ),
    "abcdefgilmorstuv",
)
# A period, round or call named with what it belongs to ("period of this year's … Scheme"): the
# verb ends the clause after it, with no digit (another date) between. Not a consultation,
# evaluation or project period (guide 8).
_LONG_SUBJECT = (
    r"(?<!consultation\s)(?<!evaluation\s)(?<!assessment\s)(?<!review\s)(?<!project\s)"
    r"(?<!reporting\s)(?:period|window|round|call)\s+(?:of|for)\s+[^.;:\n\d]{0,60}?\s"
)
_TAIL_RE = re.compile(
    r"^[\s,)]*(?:\w+\s+){0,2}?(?:(?P<open>opent|opens|open|opened|geopend|opengaat|gaat\s+open"
    r"|opengesteld|kunnen?\s+(?:er\s+)?(?:weer\s+)?(?:\w+\s+){0,2}?(?:worden\s+)?"
    r"(?:ingediend|aangevraagd)|(?:een\s+)?nieuwe\s+kans"
    # "Eind 2019 is inschrijving voor het vierde tijdvak mogelijk" (not "niet meer mogelijk")
    r"|(?:inschrijving|inschrijven|aanvragen|indienen|intekenen)\s+(?:(?!niet\b|geen\b|meer\b)"
    r"[\w-]+\s+){0,5}?mogelijk)"
    r"|(?P<close>sluit|sloot|closes|closed"
    # "1 August 2019 (11:00 PM) your nomination period closes"
    r"|(?:period|window|round)\s+(?:closes|ends)"
    # "on 31 March 2023 at 23:59, the first period of this year's Experiment Grant Scheme closes"
    rf"|{_LONG_SUBJECT}(?:closes|ends)"
    # a label after the date: "met 1 oktober als sluitingsdatum", "1 mei als uiterste indiendatum"
    r"|als\s+(?:\w+\s+)?(?:deadline|sluitingsdatum|einddatum|\w*indiendatum|inleverdatum)"
    # "6 juli was de deadline voor het indienen", "1 March is the closing date", "1 april is de
    # uiterste inleverdatum voor de aanvragen"
    # ("Woensdag 2 november is de volgende uiterste indieningsdatum voor projecten")
    r"|(?:is|was|werd|wordt)\s+(?:de|the)\s+(?:\w+\s+){0,2}?(?:deadline|sluitingsdatum|einddatum"
    r"|\w*indiendatum|\w*indieningsdatum|inleverdatum|closing\s+date)"
    # the call ran out that day, verb-second after the fronted date: "Op donderdag 14 maart liep
    # onze 3e oproep af"
    r"|(?:liep|liepen|loopt|lopen)\s+(?:[\w-]+\s+){0,3}?[\w-]*(?:oproep|openstelling|tijdvak"
    r"|aanvraagperiode|ronde|indieningstermijn)\w*\s+af"
    # "Vandaag is de laatste dag waarop u kunt aanvragen", "30 juni is de laatste dag om …"
    r"|(?:is|was)\s+(?:de|the)\s+(?:laatste|last)\s+(?:dag|day)"
    # the stage handed in by that day, in brackets: "Veni: 5 September 2023 (first stage) and
    # …", "12 maart 2025 (volledige aanvraag)" (guide 6: each stage is a window)
    r"|\((?:(?:first|second|1st|2nd|final)[\s-]+stage|pre-?proposals?|full\s+proposals?"
    r"|research\s+proposal|(?:eerste|tweede)\s+fase|volledige\s+aanvraag"
    r"|uitgewerkte\s+aanvraag)(?=\s*\))))\b",
    _I,
)
# A separable verb around the date: "Het loket gaat op 1 september … open".
_SPLIT_OPEN_LEAD_RE = re.compile(r"\b(?:gaat|gaan|ging|gingen)\s+(?:\w+\s+){0,3}?op\s*$", _I)
_SPLIT_OPEN_TAIL_RE = re.compile(r"^[^.;:\n]{0,70}?\b(?:open|opengesteld)\b", _I)
# ... and "van start" around the date with the scheme as subject: "De regeling zonnepanelen
# voor particulieren ging op 2 juli 2012 van start" (a project or the building work that "gaat op
# 1 maart van start" starts no applying).
_SPLIT_START_LEAD_RE = re.compile(
    r"\b(?:\w*regeling|subsidie\w*|loket|\w*ronde|tijdvak|openstelling|aanvraagperiode|oproep)\b"
    r"[^.;:\n]{0,60}?\b(?:gaat|gaan|ging|gingen)\s+(?:\w+\s+){0,2}?op\s*$",
    _I,
)
_SPLIT_START_TAIL_RE = re.compile(r"^[^.;:\n]{0,30}?\bvan\s+start\b", _I)
# ... also without "op" before a fuzzy day, the verb before the date or last ("De nieuwe ronde
# gaat medio november van start", "hoewel de nieuwe ronde waarschijnlijk pas medio november van
# start gaat", consultant news on REACT-EU Oost 2021)
_SPLIT_START_BARE_LEAD_RE = re.compile(
    r"\b(?:\w*regeling|subsidie\w*|loket|\w*ronde|tijdvak|openstelling|aanvraagperiode|oproep)\b"
    r"[^.;:\n]{0,60}?\b(?:gaat|gaan|ging|gingen)\s+(?:\w+\s+){0,2}?$",
    _I,
)
_SPLIT_START_FINAL_LEAD_RE = re.compile(
    r"\b(?:\w*regeling|subsidie\w*|loket|\w*ronde|tijdvak|openstelling|aanvraagperiode|oproep)\b"
    r"[^.;:\n]{0,60}?$",
    _I,
)
_SPLIT_START_FINAL_TAIL_RE = re.compile(r"^\s*van\s+start\s+(?:gaat|gaan|ging|gingen)\b", _I)
# The same with "openstellen": "De provincie stelt op 15 november aanstaande de regeling opnieuw
# open"; "open" must end the clause, so "stelt op 1 mei het plafond vast voor de open regeling"
# opens nothing.
_SPLIT_STELT_LEAD_RE = re.compile(
    r"\b(?:stelt|stellen|stelde|stelden)\s+(?:\w+\s+){0,3}?op\s*$", _I
)
_SPLIT_STELT_TAIL_RE = re.compile(r"^[^.;:\n]{0,80}?\bopen(?=\s*(?:[.,;!]|$|\ben\b))", _I)
# A dateline ("Den Haag, 10 oktober 2019") is the publication date; a time word before the
# comma is no place ("Vandaag, 2 juni 2021, opent de Subsidieregeling Praktijkleren").
_DATELINE_RE = re.compile(
    r"(?:^|\n)\s*(?!(?:[Vv]andaag|[Mm]orgen|[Hh]eden|[Tt]oday|[Tt]omorrow|VANDAAG|TODAY)\b)"
    r"(?:[A-Z][\w'-]+\s?){1,3},\s*$"
)
_CONNECTOR_RE = re.compile(
    r"^\s*(?:(?P<incl>t/m|tot\s+en\s+met|tot\s+uiterlijk|-|–|—|to|until|till|through)"
    r"|oant\s+(?:en|['‘’`]\s?e)\s+mei|(?P<excl>tot|oant)|(?P<and>en|and))\s*$",
    _I,
)
# A dash between two dates: a range, unless a plural deadline label says they are separate.
_DASH_RE = re.compile(r"^\s*[-–—]\s*$")
# A plural deadline label ("Full application deadlines:", "Sluitingsdata:", "cut-off dates"): the
# dates after it are separate deadlines, so a dash between two of them joins a list, not a range.
_PLURAL_CLOSE_RE = re.compile(
    r"\b(?:deadlines|deadline\s+dates|closing\s+dates|cut-?offs|cut[- ]?off\s+dates"
    r"|sluitingsdat(?:a|ums)|einddat(?:a|ums)|indiendat(?:a|ums)|indieningsdat(?:a|ums)"
    r"|deadlinedat(?:a|ums))\b[^.;\n\d]{0,40}$",
    _I,
)
# "1 maart en 1 september", "Oct 19, 2021 / Apr 07, 2022" (two-stage deadlines in one cell)
_LIST_RE = re.compile(r"^\s*(?:,\s*(?:en|and|of|or)?|en|and|of|or|&|/)\s*$", _I)
# A line that starts with its date and names it after a colon or dash ("15 maart 2024 – sluiting
# aanvraagperiode", "May 27th 2024, 23.59h: deadline abstract submission"); "h" ends "23.59h".
# A flattened calendar table puts the label cell right after the date ("1 december
# Startdatum indiening subsidieaanvragen", "1 februari Uiterste datum indiening"); the label
# itself must follow at once, so its case does not matter (a lower-cased page reads the same).
_DATE_FIRST_TAIL_RE = re.compile(r"h?(?:\s*[:–—-]\s*|[ \t]+)", _I)
_BULLET_LEAD_RE = re.compile(r"^[\s•·▪*-]*$")
# "12 maart – start van het project": the start of the work, not of applying (guide 8)
_WORK_START_RE = re.compile(
    r"\bproject(?:en|s)?\b|activit|uitvoering|werkzaamheden|execution|implementation", _I
)
_SUPERSEDE_RE = re.compile(
    r"(?:verschoven|verplaatst|uitgesteld|vervroegd|verlengd|gewijzigd|aangepast|extended"
    r"|postponed|moved|changed|brought\s+forward"
    # "has been rescheduled from 31 March to 13 May", "is opgeschoven van … naar …"
    r"|rescheduled|re-scheduled|delayed|shifted|opgeschoven|doorgeschoven)\s+(?:van|from)\s*$"
    # the deadline named between verb and date: "KWF postponed the deadline for the funding
    # programme from 6 May to 12 August", "extended the closing date of the call from …"
    r"|\b(?:postponed|moved|changed|extended|deferred|pushed\s+back|brought\s+forward|rescheduled)\s+"
    r"(?:the|its|their)\s+(?:submission\s+|application\s+)?(?:deadline|closing\s+date)"
    r"(?:\s+(?:for|of)(?:\s+[\w'’-]+){1,6}?)?\s+from\s*$"
    # the date that a new one replaces: "voor 1 oktober indienen, in plaats van 1 juni"
    r"|\b(?:in\s+plaats\s+van|i\.p\.v\.|instead\s+of|rather\s+than)\s*$",
    _I,
)
# A closing label right before "van": the date is that closing, not an opening ("een deadline
# van 31 maart 2021"); an earlier or original one is superseded ("de eerdere sluitingsdatum
# van 1 juni", "oorspronkelijk gold … een deadline van").
_CLOSE_LABEL_VAN_RE = re.compile(
    r"(?P<old>\b(?:eerdere|oorspronkelijke|oude|vorige|previous|original|earlier|former)\s+"
    r"(?:\w+\s+)?|\boorspronkelijk\b[^.;\n]*"
    # a round closed before its planned day: "eerder te sluiten dan de sluitingsdatum van 10
    # december 2020"
    r"|\b(?:eerder|vroeger)\b[^.;\n]{0,40}?\bdan\s+(?:de|het)\s+(?:\w+\s+)?)?"
    r"\b(?:deadline|sluitingsdatum|einddatum|uiterste\s+\w*datum|\w*indiendatum|closing\s+date"
    r"|sluitingstermijn)\s*$",
    _I,
)
# Applying is not possible in the period the clause names (a blackout, not a window).
_BLACKOUT_RE = re.compile(
    r"\bniet\s+(?:\w+\s+)?mogelijk\b|\b(?:kun|kan|kunt|kunnen)\s+(?:je|u|jullie|we|wij|men|er\s+)?"
    r"\s*geen\s+(?:\w+\s+)?(?:aanvra|indien|ingedien)|\bgeen\s+aanvragen\s+(?:worden\s+)?"
    r"(?:ingediend|aangenomen|in\s+behandeling)|\bnot\s+(?:be\s+)?possible\b"
    r"|\bcan\s*not\s+(?:be\s+)?submit|\bcan't\s+(?:be\s+)?submit|\bno\s+applications\s+can\b",
    _I,
)
# Every match of _BLACKOUT_RE contains one of these.
_BLACKOUT_WORDS = ("niet", "geen", "not", "can't")
# Every match of _OUTAGE_RE or _BUDGET_PERIOD_RE contains one of these.
_NON_WINDOW_WORDS = ("stop", "sluiting", "onderhoud", "storing", "maintenance", "shutdown",
                     "downtime", "outage", "unavailable", "beschikbaar", "gebruik", "geen",
                     "budget", "plafond", "upgrade")  # fmt: skip
_AMEND_RE = re.compile(r"verlengd|verschoven|uitgesteld|vervroegd|extended|postponed", _I)
# A deadline moved to a new day, the old one stated elsewhere: "De deadline is verschoven naar
# 31 oktober", "de laatste indieningsdatum vervroegd naar …" (replaces the earlier closing).
_MOVED_TO_RE = re.compile(
    r"\b(?:verlengd|verschoven|verplaatst|uitgesteld|vervroegd|extended|postponed|moved"
    r"|brought\s+forward)\s+(?:naar|to)\s*$",
    _I,
)
# A decision stating its content: the dates after it are the rule's, not the decision's own.
_DECISION_CONTENT_RE = re.compile(
    r"\b(?:besluit|regeling)\s+(?:is|wordt|werd)\s+bepaald\s+dat\b"
    r"|\bmet\s+(?:dit|deze|onderhavig|onderhavige|het)\s+besluit\b",
    _I,
)
_EXTENDED_RE = re.compile(r"\b(?:verlengd|extended|prolonged)\b", _I)
# Dutch also changes "van X in Y" ("De uiterste indiendatum wordt gewijzigd van 15 maart 2020 in
# 15 mei 2020", vlaio.be on the Kunstendecreet 2020): "in" right after the old date names the
# new one.
_NEW_RE = re.compile(r"^\s*(?:naar|in|tot\s+en\s+met|tot|to|until)\s*$", _I)
# A whole old range moved: "gewijzigd van 15 december t/m 31 januari naar 15 februari t/m
# 31 maart". The end of the old range, followed by "naar", is superseded as well (guide 6.4).
# A deadline told as it was and as it will be: "The deadline for submitting … proposals was 15
# May 2020 and will be 14 August 2020 at noon", "was 1 December 2020 and will be postponed to 15
# May 2021", "De deadline was 15 mei en wordt 14 augustus": the first date is superseded (guide
# 6.4). A past deadline alone ("The deadline was 15 May 2020.") still closes the window.
_WAS_LEAD_RE = re.compile(
    r"\b(?:deadline|closing\s+date|sluitingsdatum|einddatum|uiterste\s+\w*datum"
    r"|indieningsdatum|indiendatum)\b[^.;\n]{0,80}?\b(?:was|had\s+been|lag\s+op)\s*$",
    _I,
)
_WAS_NEW_GAP_RE = re.compile(
    r"^\s*,?\s*(?:and|but|en|maar)\s+(?:now\s+|nu\s+)?(?:(?:(?:will|shall)\s+(?:now\s+)?be"
    r"|has\s+been|is(?:\s+now)?|wordt(?:\s+nu)?|is\s+nu)"
    r"(?:\s+(?:postponed|moved|extended|changed|delayed|verschoven|verplaatst|verlengd|gewijzigd"
    r"|uitgesteld|vervroegd)\s+(?:to|naar))?|becomes|wordt)\s*$",
    _I,
)
# A deadline put off "tot" a day names the new last day ("De deadline … is uitgesteld tot 31
# januari 2019", "de sluitingsdatum is verschoven tot 14 april"): moved to that day, not "until"
# it, so the tot rule (guide 3) does not take a day off. "verlengd tot" is left to the tot rule.
_MOVED_UNTIL_RE = re.compile(
    r"\b(?:uitgesteld|verschoven|verplaatst|opgeschoven|doorgeschoven)\s+tot\s*$", _I
)
_OLD_RANGE_END_RE = re.compile(r"^\s*(?:t/m|tot\s+en\s+met|tot|-|–|—|until|through)\s*$", _I)
# A range named as the one replaced: "loopt nu van 1 tot en met 30 september in plaats van 1 tot
# en met 31 augustus" (innofunding.nl on Noord-Brabant 2016). Nothing new follows it, so its end
# is superseded with its start (guide 6.4); "to" joins the two ends here, not the old to the new.
_INSTEAD_LEAD_RE = re.compile(
    r"\b(?:in\s+plaats\s+van|i\.p\.v\.|instead\s+of|rather\s+than)\s*$", _I
)
_INSTEAD_RANGE_END_RE = re.compile(r"^\s*(?:t/m|tot\s+en\s+met|tot|-|–|—|until|through|to)\s*$", _I)
_TO_NEW_RE = re.compile(r"^\s*(?:naar|to)\s*$", _I)
_OPENING_WORDS_RE = re.compile(r"opening|opent|openstelling|startdatum|\bstart", _I)
CLOSING_WORDS_RE = re.compile(r"deadline|sluit|einddatum|closing|clos", _I)

# Dates in these contexts are not application windows (publication, validity of the
# regulation, project and activity periods, decisions, pre-checks, reports, phone hours …).
_NEGATIVE_RE = first_letter_guard(
    re.compile(
        r"gepubliceerd|published|publication\s+(?:of|date)|publicatiedatum|bekendgemaakt"
        r"|gecontroleerd|bijgewerkt|updated|gewijzigd\s+op|\bin\s+werking|inwerkingtreding"
        r"|uitwerkingtreding|\bverval(?:t|len)\b|geldend(?!e\s+(?:voorwaarden|regels|eisen|bedragen|tarieven)\b)|geldig|\bjildt\b|van\s+toepassing|van\s+start\s+gaan|die\s+starten|in\s+effect"
        # "geldt" is a rule applying, unless what applies is the application window itself
        # ("Voor … geldt een eerste openstellingstermijn tot en met 15 juli 2023")
        r"|\bgeld(?:t|en)\b(?!\s+dat)(?!\s+(?:\w+\s+){0,2}?(?:openstellings|aanvraag|indienings)"
        r"(?:termijn|periode|tijdvak)\w*\b)"
        r"|\bapplies\b|looptijd|projectperiode|projectduur"
        # new rules in force from a day ("From 4 September 2020, the following changes apply: we
        # will only consider …"): the day the rules change, not an opening (guide 8)
        r"|\b(?:changes|rules|conditions|requirements|measures|criteria)\s+(?:will\s+)?apply\b"
        # the running time of the regulation itself ("De subsidieregeling praktijkleren in de
        # derde leerweg loopt tot eind 2025", "De regeling loopt in ieder geval tot …")
        # (the regulation as subject: not "De aanvraagperiode voor de regeling … loopt tot")
        r"|(?<!voor\sde\s)(?<!van\sde\s)(?<!binnen\sde\s)\b(?:subsidie)?regeling\b"
        r"(?:(?!aanvraag|tijdvak|ronde|periode)[^.;\n]){0,60}?\bloopt\s+"
        r"(?:(?:nog|in\s+ieder\s+geval)\s+)?tot\b"
        # (not "Projecten moeten uiterlijk op 30 juni 2025 ingediend worden": a deadline between)
        r"|\bproject(?:en|s)?\s+(?:(?:moet|moeten|must|should)\b(?!(?:\s+\w+){0,3}?\s+(?:ingediend"
        r"|submitted|aangevraagd)\b|\s+(?:uiterlijk|ten\s+laatste)\s+(?:op\s+)?[^.;\n]{0,25}?\s"
        r"(?:worden\s+)?(?:ingediend|aangevraagd)\b)|start|starts|loopt|duurt|period)"
        # the approved project picked up by a pronoun ("Eens het project is goedgekeurd, kan het
        # starten in het najaar van 2017", a provincial rural call): the project start (guide 8)
        # a business opened or founded since a day ("winkels die geopend zijn sinds
        # 01.01.2022", 1819.brussels on Opensoon): who may apply, not when (guide 8); "na"
        # already makes no bound, and a deadline after it in the clause stays one
        r"|\b(?:winkels?|handelszak(?:en)?|zaken|zaak|horecazak(?:en)?|bedrijven|bedrijf"
        r"|ondernemingen|onderneming|shops?|stores?|businesses|companies)\s+(?:die|dat|that|which)\s+"
        r"(?:[\w-]+\s+){0,3}?(?:geopend|opgericht|opened|founded|established)\b"
        r"(?!\s+(?:(?:zijn|is|werden|werd|were|was)\s+)?(?:na|after)\b)"
        r"|\bproject(?:en)?\b[^.;\n]{0,30}?\b(?:goedgekeurd|geselecteerd)\b[^.;\n]{0,20}?"
        r"\b(?:kan|kunnen|mag|mogen|zal|zullen)\s+(?:het|ze|zij|dit|deze)\s+(?:[\w-]+\s+){0,2}?"
        r"(?:starten|beginnen|aanvangen|van\s+start)\b"
        # (not the subsidy for activities that must be applied for: "Een periodieke subsidie
        # voor … activiteiten moet tussen 1 juni en 30 september … worden ingediend")
        r"|\bactiviteit(?:en)?\s+(?:(?:moet|moeten)\b(?!(?:(?!\b(?:plaats\w*|uitgevoerd|gerealiseerd"
        r"|afgerond|start\w*|beginnen|aanvraag|aanvragen)\b)[^.;\n]){0,100}?\bworden\s+"
        r"(?:ingediend|aangevraagd)\b)|start|starten|loopt|lopen|plaats|vind|in\s+de\s+periode)"
        # the same label with the noun after it, in key-value lists ("Start project: 1 januari
        # 2019", "Start van het project", "Start of the project"): the project start (guide 8)
        # (not a call named "project call": "Start project call: 3 maart" opens it)
        r"|\bstart(?:datum)?\s+(?:(?:van|of)\s+(?:het|de|the|uw|je|your)\s+)?projects?\b"
        r"(?!\s+(?:calls?|oproep\w*|ronde|rounds?|aanvra\w*|applications?))|\bprojectstart"
        # a version of the application system shut for a move to a new one ("sluiten we de
        # huidige versie van MyVAF op 9 december 2025"): the system's date, not the scheme's
        # (not a version of the scheme itself: "De huidige versie van de regeling sluit op …")
        r"|\b(?:(?:huidige|oude)\s+versie\s+van|(?:current|old)\s+version\s+of)\b"
        r"(?!\s+(?:de\s+|het\s+|the\s+|this\s+|deze\s+)?(?:\w*regeling|oproep|call|scheme"
        r"|program(?:me|ma)?|subsidie\w*)\b)"
        # a document's version line ("Deadline …: Doorlopende indiening Versie: 1 oktober
        # 2016", a brochure cover): the date of the text, not of the scheme (guide 8)
        r"|\bversie(?:datum)?\s*:\s*(?=\d)|\bversion(?:\s+date)?\s*:\s*(?=\d)"
        # the same in English ("approved activities are expected to start on January 1, 2021",
        # "if your activity is selected, it will typically start in January 2021")
        # (the activities as subject: "The call for activities starts on …" is the call's)
        r"|(?<!for\s)\bactivit(?:y\s+starts|ies\s+start|(?:y|ies)\s+(?:(?:are|is)\s+(?:expected"
        r"|scheduled|planned|due|supposed)\s+to|will\s+(?:\w+\s+)?|should|must)\s+start)\b"
        r"|\bif\s+(?:your|the|an?)\s+(?:activity|project|proposal)\s+is\s+(?:selected|approved|funded)"
        r"\b[^.;\n]{0,40}?\bstarts?\b"
        # the execution period of the projects a deadline is for: "voor projecten die uitgevoerd
        # worden in de daaropvolgende periode van 1 september tot en met 31 januari"
        r"|\bproject(?:en)?\s+die\s+(?:\w+\s+){0,2}?(?:uitgevoerd|plaatsvind\w*|gerealiseerd)\b"
        r"(?:\s+\w+){0,2}?\s+(?:in|tijdens)\s+(?:de|het)\b"
        r"|verstrekt\s+voor|formulier\w*\s+(?:is\s+)?(?:\w+\s+){0,4}beschikbaar|afgerond|duration"
        # the start of the period applied for, not of applying ("je kunt geen WBSO meer aanvragen
        # per 1 november", "een aanvraag die start op 1 januari", "een aanvraag doen per 1 januari")
        r"|\baanvra(?:gen|ag(?:\s+(?:\w+\s+)?(?:doen|indienen))?)\s+per\b|\baanvraag\s+die\s+(?:start|begint|ingaat)\s+op\b"
        r"|\bbesluit|beslis|beschikking|decision|preadvies|uitsluitsel"
        r"|pre-?check|telefonisch|(?<!on)bereikbaar|openingstijden|bijeenkomst|webinar|info\s*days?"
        # office hours for applicants are an event like a webinar ("Het spreekuur opent op …")
        r"|spreekuur"
        # the day the information goes online ("Op de website staat vanaf 9 januari de informatie
        # over deze subsidie"): when to read up, not when to apply
        r"|\b(?:staat|staan|verschijnt|verschijnen)\s+(?:[\w-]+\s+){0,4}?(?:de|alle|meer)\s+"
        r"(?:informatie|info)\b"
        # a workshop for applicants is an event like a webinar ("Lead applicant workshop, planned
        # in Rotterdam on 22-23 March"); not a workshop the grant is for ("workshop grants")
        r"|workshops?\b(?!\s+(?:grants?|funding|subsid\w*|aanvra\w*|applications?|proposals?)\b)"
        r"|information\s+days?|informational\s+sessions?|infosessie|infodag|informatiedag"
        r"|info\s+session|information\s+sessions?|informatiesessie|evaluat|results|resultaten|signature|grant\s+agreement"
        # (not the second half of one system for both: "via ISAAC, het digitale aanvraag- en
        # rapportagesysteem van NWO" is where applications go in)
        r"|(?<!aanvraag-\sen\s)(?:verslag|rapportage|verantwoording|declarat)"
        r"|vaststelling|uitbetal|betaling|payment"
        # the participles ("De subsidie wordt vóór 1 juli uitbetaald", "uitgekeerd",
        # "overgemaakt"): a payment date (guide 8)
        r"|uitbetaald|\b(?:wordt|worden|werd|werden)\s+(?:\w+\s+){0,3}?betaald\b|uitgekeerd"
        r"|overgemaakt"
        # the grant fixed by a day ("De subsidie wordt uiterlijk 1 juni 2022 vastgesteld"): the
        # vaststelling, a decoy like its noun (guide 8); the grant must be the subject, so "Als
        # perioden waarin … kunnen worden ingediend wordt vastgesteld: …" keeps its window
        r"|\b(?:subsidie\w*|bijdragen?|tegemoetkomingen?)\s+(?:wordt|worden|werd|werden)\s+"
        r"(?:[\w-]+\s+){0,5}?vastgesteld\b"
        # an inspection period of a draft, also in the older wording ("de stukken liggen vanaf
        # 28 april tot en met 26 mei ter visie"): the days to read and object, no window
        r"|uitslag|bezwaar|vragen\s+stellen|questions|ter\s*(?:inzage|visie)|zienswijze"
        r"|staatscourant\s+van"
        # ("stand per" only as a word: "als xls-bestand per e-mail ingediend" is a channel)
        # the regulation itself extended by whole years ("Deze subsidieregeling is met een jaar
        # verlengd tot 1 januari 2023"): its running time; a deadline moves by weeks
        r"|regeling\s+(?:is|wordt|werd)\s+met\s+(?:een|één|twee|drie|vier|vijf|\d+)\s+ja(?:ar|ren)"
        r"\s+verlengd\b"
        # awarding or handling that starts on a date ("De aanvragen worden vanaf 1 januari 2021
        # toegekend op volgorde van binnenkomst"): a decision term, not the opening
        r"|\b(?:wordt|worden|werd|werden)\s+(?:pas\s+)?(?:vanaf|per)\s+[^.;\n]{0,40}?"
        r"\b(?:toegekend|beoordeeld|behandeld)\b"
        # the regulation taking effect on a day ("De nieuwe regeling gaat in per 1 januari 2018,
        # aanvragen kan tot 30 juni 2018", "gaat per 1 september in", "Per 1 januari gaat de
        # regeling in"): its entry into force, never a bound (guide 3 notes); not the
        # application period of it ("De aanvraagperiode voor de regeling gaat in op …")
        r"|(?<!voor\sde\s)(?<!van\sde\s)\b(?:(?:subsidie)?regeling|verordening)\b(?:\s+[\w-]+){0,4}?\s+"
        r"(?:gaat|gaan|ging|gingen)\s+(?:in\s+(?:per|op|vanaf|met\s+ingang\s+van)\b"
        r"|(?:per|op|vanaf|met\s+ingang\s+van)\s+[^.;\n]{1,30}?\s+in\b(?!\s+(?:de|het)\b))"
        r"|\bper\s+[^.;\n]{1,30}?\s+(?:gaat|gaan|ging|gingen)\s+(?:de|het)\s+(?:nieuwe\s+)?"
        r"(?:(?:subsidie)?regeling|verordening)(?:\s+[\w-]+){0,3}?\s+in\b(?!\s+(?:de|het)\b)"
        r"|\b(?:regeling|besluit)\s+van\b|verordening\s+per\b|\bstand\s+(?:[\w-]+\s+){0,3}?per\b|\bseizoen(?:en)?\b|sportseizoen|speelseizoen|begrotingsjaar"
        r"|started\s+before|gaat\s+niet\s+door|geannuleerd|cancel+ed|ingetrokken|withdrawn"
        r"|niet\s+meer\s+(?:worden\s+)?opengesteld|onbekend|meestal|usually"
        # the end of the scheme itself ("De regeling is per 1-1-2024 beëindigd")
        r"|\bbe[eë]indigd\b|\bopgeheven\b|\bafgeschaft\b|\bstopgezet\b"
        # a ceiling period ("het subsidieplafond voor de periode van 2 september 2019 t/m …")
        # or tijdvak ("Het subsidieplafond voor het tijdvak van 1 januari tot en met 31 december
        # 2026 bedraagt …"; an "aanvraagtijdvak" is the window itself)
        # (also with the verb first: "Het subsidieplafond voor deze regeling bedraagt voor de
        # periode tot en met 31 december 2020 …", voucherregelingflevoland.nl)
        r"|plafond\s+(?:\w+\s+){0,4}?voor\s+(?:de\s+periode|het\s+tijdvak)\b"
        # the date of a decree, act or meeting: "van" is "of", not "from" ("het
        # Cultureelerfgoeddecreet van 24 februari 2017", "in hun vergadering van 22 februari")
        r"|decreet\s+van\b|\bwet\s+van\b|vergadering\s+van\b|zitting\s+van\b"
        # the same for a governing body named with its meeting date ("In de Gemeenteraad van 15
        # december 2015 werd het subsidiereglement goedgekeurd", "Provinciale Staten van 12
        # juni"); only right before a day number, so "de raad van bestuur stelt … open van 1
        # maart" and "het college stelt … open van" keep their windows
        r"|\b(?:gemeente)?raad\s+van(?=\s+\d)|\bcollege\s+van(?=\s+\d)|\bstaten\s+van(?=\s+\d)"
        # the same in West Frisian, where "fan" is both "of" and "from" ("it beslút fan
        # Deputearre Steaten fan 11 desimber 2018", "troch it kolleezje fan 14 maart"; a
        # Frisian gazette notice): the decision's date (guide 8), not an opening
        r"|\bbeslút|\bsteaten\s+fan(?=\s+\d)|\bkolleezje\s+fan(?=\s+\d)"
        # a count of applications received up to a date is a statistic, no deadline
        r"|aantal\s+(?:\w+\s+){0,2}?(?:ontvangen|ingediende|binnengekomen)\s+aanvragen\b"
        r"|number\s+of\s+(?:\w+\s+){0,2}?(?:applications|proposals)\s+(?:received|submitted)\b"
        # the term of a programme or pilot ("a pilot project with a term of one year starting on
        # 1 June 2019"): its running time, not a window (guide 8, like "looptijd")
        r"|\bterm\s+of\s+(?:one|two|three|four|five|\d+)\s+(?:years?|months?)\b"
        # the year of a celebration or commemoration the grants are for ("Vieringsjaar: … van 27
        # oktober 2024 t/m …", "the commemoration year, which runs from 1 July 2023 to …")
        # ("Voor activiteiten in het herdenkingsjaar kunt u aanvragen van …" keeps its window)
        r"|\b(?:vierings|herdenkings|jubileum|thema)jaar\s*(?::|\(|,?\s+(?:dat\s+|die\s+)?(?:loopt|duurt)\b)"
        r"|\b(?:commemoration|commemorative|memorial|anniversary|celebration|jubilee|theme)\s+year"
        r"\s*(?::|\(|,?\s+(?:which\s+|that\s+)?(?:runs|lasts|spans|extends|is\s+from)\b)"
        # when the funded work is carried out ("waarvan de uitvoering tussen 2 juni en …
        # zal plaatsvinden")
        r"|\buitvoering\s+(?:\w+\s+){0,2}?(?:tussen|in\s+de\s+periode)\b"
        # the same with the verb ("De activiteiten waarvoor subsidie wordt verstrekt, worden
        # uitgevoerd in de periode van 1 januari 2025 tot en met …", "Activities must be carried
        # out between …"): the execution period (guide 8), not the window beside it
        r"|\b(?:uitgevoerd|gerealiseerd|plaatsvinden|plaatsvindt)\s+(?:(?:worden|wordt)\s+)?"
        r"(?:(?:in|gedurende)\s+de\s+periode|tussen)\b"
        r"|\bcarried\s+out\s+(?:between|(?:in|during)\s+the\s+period)\b"
        # the dates of the funding programme itself, as field labels ("Programme Opening Date
        # 01/01/2021", "Programme Closing Date 31/12/2027", "Programme period: …"): its term, not a
        # call's window (a programme period named in a sentence may sit beside a real opening)
        # when a grant, award or fellowship begins ("Award start date 1 September 2024", "The
        # fellowship start date is 1 October 2024"): a project start (guide 8), not an opening
        r"|\b(?:award|grant|fellowship|scholarship|studentship)\s+start(?:s|ing)?(?:\s+date)?\b"
        r"|\bstart\s+date\s+of\s+(?:the\s+|your\s+)?(?:award|grant|fellowship|scholarship)\b"
        r"|\bprogram(?:me)?\s+(?:opening|closing|start|end)\s+date\b"
        r"|\bprogram(?:me)?\s+period\s*(?::|\n)"
        # the same in a sentence ("The official closing date of the programme was originally set
        # on 31 July 2022", "a new end date for the Orange Knowledge Programme: 31 December 2022")
        # (not a call or round of it: "the closing date for the programme's call", "… programme
        # call")
        r"|\b(?:closing|end)\s+date\s+(?:of|for)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?program(?:me)?\b"
        r"(?!['’]s\b|\s+(?:calls?|rounds?|grants?|scholarships?|applications?)\b)"
        # the costs a grant makes up for, with their period ("compensatie voor de toegenomen
        # energiekosten in de periode 1 juli 2023 tot …", "costs incurred between …"): the cost
        # period, not the window (guide 8, like a project period)
        # (not "Voor de energiekosten kunt u in de periode … aanvragen": the applying is there)
        r"|(?:kosten|lasten|uitgaven)\s+(?:(?!(?:kun|kunt|kan|kunnen|moet|moeten|mag|mogen|dient"
        r"|dienen|u|je|jij|wij|we)\b)\w+\s+){0,3}?(?:in|over|gedurende|tijdens)\s+de\s+"
        r"(?:periode|maanden)\b"
        r"|\bcosts?\s+(?:\w+\s+){0,2}?(?:incurred|made)\s+(?:in|during|between|from)\b"
        # the costs a round covers from a day on ("het eerste tijdvak is bestemd voor RVU-kosten
        # die zijn gemaakt vanaf 1 december 2023", "kosten gemaakt op of na 1 mei"): the first
        # eligible cost day, not the opening (guide 8); "kosten … kunt u vanaf" keeps its verb
        r"|(?:kosten|lasten|uitgaven)\s+(?:die\s+(?:zijn|worden|werden)\s+gemaakt\s+"
        r"|gemaakt\s+)?(?:vanaf|op\s+of\s+na|sinds)\s+\d"
        # a project, pilot, team or service said to have started ("Het project is gestart op 1
        # januari en loopt tot en met …", "De teams zijn begonnen op 1 maart 2021"): its running
        # time, not a window (guide 8); a scheme, desk or round that started still opens, and
        # "voordat de opleiding is gestart" after a deadline names no date
        r"|(?:project\w*|pilot\w*|proef\w*|programma\w*|teams?|werkzaamheden|campagne\w*"
        r"|opleiding\w*|cursus\w*|traject\w*|samenwerking\w*|dienstverlening|netwerk\w*)"
        r"(?:\s+[\w-]+){0,4}?\s+"
        r"(?:is|zijn|was|waren)\s+(?:\w+\s+){0,2}?(?:gestart|begonnen|van\s+start\s+gegaan)\s+"
        r"(?:op|per|in|sinds)\s+(?:\w+\s+)?\d"
        # an office, helpdesk or phone line closed on a day ("Our offices are closed on 25
        # December", "De helpdesk is op 24 december gesloten"): office hours (guide 8), not the
        # scheme's deadline
        r"|"
        + OFFICE
        + r"(?:[^.;\n]{0,80}?\b(?:closed|gesloten|dicht)\b|\s+(?:is|zijn|are|will\s+be|blijft"
        r"|blijven)\s+(?:\w+\s+)?(?:van|from|op|on|tussen|between)\b)"
        # a span that deadlines fall in, so many calls, not one window ("subsidieoproepen met
        # een indieningsdatum vanaf 17 maart tot en met eind april", "calls with deadlines
        # between …"); "een sluitingsdatum van 30 juni" is one deadline and stays
        r"|\bindieningsdatum\s+(?:vanaf|tussen)\b|\bsluitingsdatum\s+(?:vanaf|tussen)\b"
        r"|\bdeadlines\s+(?:between|tussen)\b"
        # an applicant's graduation or doctorate span ("who received their PhD title between 1
        # October 2015 and …", "Je afstudeerdatum ligt tussen 1 maart 2020 en …"): who may
        # apply, not when (guide 8); "Pas afgestudeerden kunnen tussen …" keeps its window
        r"|\b(?:afstudeer|promotie|graduation|diploma)\s*dat(?:um|e)\b[^.;\n]{0,30}?\b(?:tussen"
        r"|between)\b|\b(?:phd|doctorate|doctoraat)(?:\s+(?:title|degree|titel|graad))?\s+"
        r"(?:tussen|between)\b|\b(?:afgestudeerd|gepromoveerd|graduated)\s+(?:(?:zijn|is|bent)\s+)?"
        r"(?:tussen|between)\b"
        # the start of the study or course the grant is for ("Je buitenlandse studie of
        # onderzoek start niet eerder dan 1 juli 2022"): a course start (guide 8)
        r"|\b(?:studie|opleiding|cursus|study|course)\b(?:\s+[\w-]+){0,6}?\s+(?:start|starts"
        r"|begint|begins)\b"
        # the period the grant may be spent in ("De periode waarin subsidiegelden kunnen worden
        # besteed, wordt … verlengd tot 1 augustus 2024") or a phase of the funded work ("De
        # einddatum van de transitiefase is verschoven van … naar …"): execution time (guide 8)
        r"|\bperiode\s+waarin\s+(?:de\s+)?(?:\w+\s+){0,3}?(?:besteed|uitgegeven|ingezet"
        r"|uitgevoerd)\b|\bbestedings(?:periode|termijn)\b"
        # (the spending rule alone, when "periode" stands too far back from the date)
        r"|\b(?:subsidie)?(?:gelden|geld|middelen)\s+(?:kunnen|kan|mogen|mag|moeten|moet)\s+"
        r"(?:worden\s+)?(?:besteed|uitgegeven)\b"
        r"|\b(?:transitie|uitvoerings|implementatie|realisatie|project|bestedings)fase\b"
        # who may apply, with the day they must qualify on ("The 2019 Veni round is open to
        # researchers who meet this criterion on 1 January 2019", "staat open voor aanvragers
        # die vóór 1 maart zijn gepromoveerd"): eligibility, not the opening (guide 8)
        r"|\bopen\s+(?:to|for|voor)\s+(?:all\s+|alle\s+)?(?:[\w-]+\s+){0,2}?(?:researchers"
        r"|applicants|candidates|onderzoekers|aanvragers|kandidaten)\s+(?:who|that|die)\b"
        # the week in which submitted applications are assessed ("Ronde 1: in de week van 8
        # februari 2022" under a step "De sportraad beoordeelt ingediende aanvragen")
        r"|\bin\s+de\s+week\s+van\b|\bin\s+the\s+week\s+of\b"
        # the day the funded project must be realised or started by, the noun after the date
        # ("Uiterlijk 31 december 2022 project gerealiseerd/gestart"): a project deadline (guide 8)
        r"|\bproject(?:en)?\s+(?:(?:is|zijn)\s+)?(?:gerealiseerd|gestart|uitgevoerd|gereed)\b"
        # an agreement concluded or signed by a day ("projecten waarvoor een anterieure
        # overeenkomst is gesloten door het college vóór 16 maart 2023", "gemeenten die vóór 15
        # maart 2023 een samenwerkingsagenda … hebben gesloten"): who may apply, a signing date
        # (guide 8), not a deadline
        r"|\b(?:overeenkomst|samenwerkingsovereenkomst|convenant|contract|samenwerkingsagenda)"
        r"(?:en|s)?\b[^.;\n]{0,80}?\b(?:gesloten|afgesloten|ondertekend|getekend)\b",
        _I,
    ),
    "abcdefghijklmnopqrstuvwz",
)
# Every match of _NEGATIVE_RE contains one of these words (tests/windows/test_gates.py checks
# this against the pattern): where none starts inside a clause, the pattern need not run.
NEGATIVE_WORDS = (
    "gepubliceerd", "published", "publication", "publicatiedatum", "bekendgemaakt",
    "gecontroleerd", "bijgewerkt", "updated", "gewijzigd", "werking", "verval", "geld", "jildt",
    "toepassing", "start", "effect", "applies", "changes", "rules", "conditions", "requirements",
    "measures", "criteria", "looptijd", "project", "activiteit", "verstrekt",
    "formulier", "aanvra", "afgerond", "duration", "besluit", "beslis", "beschikking", "decision",
    "preadvies", "uitsluitsel", "check", "telefonisch", "bereikbaar", "openingstijden",
    "bijeenkomst", "webinar", "spreekuur", "workshop", "info", "evaluat", "result", "signature",
    "agreement",
    "verslag",
    "rapportage", "vaststelling", "verantwoording", "declarat", "uitbetal", "betaling",
    "payment", "uitslag", "bezwaar", "vragen", "questions", "inzage", "visie", "zienswijze",
    "staatscourant", "regeling", "verordening", "stand", "seizoen", "begrotingsjaar", "door",
    "geannuleerd", "cance", "ingetrokken", "withdrawn", "opengesteld", "onbekend", "meestal",
    "usually", "indigd", "opgeheven", "afgeschaft", "stopgezet", "plafond", "decreet", "wet",
    "vergadering", "zitting", "aantal", "number", "raad", "college", "staten", "term", "viering",
    "besl", "steaten", "kolleezje",
    "begonnen", "geopend", "opgericht", "opened", "founded", "established",
    "herdenking", "jubileum", "thema", "commemorat", "memorial", "anniversary", "celebration",
    "jubilee", "theme", "uitvoering", "toegekend", "beoordeeld", "behandeld", "program",
    "kosten", "lasten", "uitgaven", "cost", "betaald", "uitgekeerd", "overgemaakt", "vastgesteld",
    "indieningsdatum", "sluitingsdatum", "deadlines", "afstudeer", "promotie", "graduat",
    "diploma", "phd", "doctora", "afgestudeerd", "gepromoveerd", "begin", "waarin", "besteding",
    "fase", "besteed", "uitgegeven", "versie", "version", "closed", "gesloten", "dicht",
    "office", "kantor", "kantoor", "helpdesk", "servicedesk", "klant", "receptie", "balie",
    "secretariaat", "phone", "telefoon", "call", "researchers", "applicants", "candidates",
    "onderzoekers", "aanvragers", "kandidaten", "week", "tekend", "uitgevoerd", "gerealiseerd",
    "plaatsvind", "carried",
)  # fmt: skip
# What a programme or grant covers ("for the period from 1 January 2014 until …", "toegekend voor
# de periode van 1 januari 2025 tot en met …"): a decoy unless the clause is about applying
# ("Nieuwe openstelling van de regeling … voor de periode van 11 januari …").
# The "van" may be left out ("Compensatie wordt gegeven voor de periode 1 oktober 2022 tot en met
# …").
_PERIOD_OF_RE = re.compile(
    r"\b(?:for|voor|over)\s+(?:the|de)\s+periode?\s+(?:(?:from|van)\s*)?$", _I
)
# When the funded event took place or the damage arose, right before the date ("Het evenement of
# feest moet hebben plaatsgevonden tussen 1 januari 2022 en …", "compensatie … voor schade die is
# ontstaan in de periode van 1 januari tot 1 juli 2021", also compounds: "omzetverlies in de
# periode van …", "coronaschade"): an activity or cost period (guide 8),
# not the window. Only right before the date, so "voor evenementen die plaatsvinden in 2024 kunt
# u aanvragen van …" keeps its window.
_HAPPENED_LEAD_RE = re.compile(
    r"(?:\bplaats\s*(?:gevonden|vind\w*)|\bvind(?:t|en)\s+plaats|\b(?:ontstaan|opgelopen)"
    r"|\b(?:\w*(?:schade|verlie(?:s|zen)|derving)|losses|damages?)(?:\s+(?!(?:kun|kunt|kan|kunnen"
    r"|moet|moeten|mag|mogen|dient|dienen|u|je|jij|wij|we|you|can|may|must)\b)[\w-]+){0,3}?"
    r"|\b(?:took|take|takes)\s+place|\b(?:incurred|suffered|sustained))"
    r"\s+(?:(?:in|over|gedurende|tijdens)\s+de\s+periode(?:\s+van)?|tussen|van|vanaf|sinds|op"
    r"|(?:in|during)\s+the\s+period(?:\s+from)?|between|from|on)\s*$",
    _I,
)
# Unless the subject is the applying itself ("De indiening vindt plaats van 1 maart tot …").
_HAPPENED_SUBJECT_RE = re.compile(r"aanvra|indien|inschrijv|aanmeld|applica|submi", _I)


def _happened_period(text: str, cs: int, m: Mention) -> bool:
    """Say whether m starts the span in which the funded event or damage happened."""
    mt = _HAPPENED_LEAD_RE.search(text, max(cs, m.start - 90), m.start)
    if mt is None:
        return False
    return not _HAPPENED_SUBJECT_RE.search(text, max(cs, mt.start() - 40), mt.start())


# The clause is about the request to settle a grant, not about applying, however far its date
# stands from the subject: "Een aanvraag tot subsidievaststelling als bedoeld in artikel 6, …,
# waaraan … bescheiden ontbreken, kan worden gecompleteerd tot en met 1 mei 2013" (guide 8).
_SETTLEMENT_SUBJECT_RE = re.compile(
    r"\b(?:aanvraag|aanvragen|verzoek|verzoeken)\s+(?:tot|om)\s+(?:subsidie)?vaststelling\b"
    r"|\bvaststellingsaanvra\w*|\bvaststellingsverzoek\w*",
    _I,
)
# A window that opens on a day counted from the decree ("met ingang van de dag na bekendmaking
# van dit besluit tot en met 31 december 2026", "vanaf de dag na inwerkingtreding van deze
# regeling t/m …"): "besluit" and "inwerkingtreding" date the opening, the closing date is
# the window's own end.
_RELATIVE_START_LEAD_RE = re.compile(
    # (also "het moment" or "het tijdstip": "Aanvragen … worden ingediend vanaf het moment van
    # inwerkingtreding van dit besluit tot en met 15 maart 2012", a BZ besluit in the Staatscourant)
    r"\b(?:van(?:af)?|met\s+ingang\s+van)\s+(?:de\s+(?:dag|datum)|het\s+(?:moment|tijdstip))\s+"
    r"(?:na|van)\s+(?:die\s+van\s+)?"
    r"(?:de\s+)?(?:bekendmaking|publicatie|inwerkingtreding|uitgifte)\b[^.;\n]{0,100}?"
    r"\b(?:tot\s+en\s+met|t/m)\s*$",
    _I,
)
# The period of the ceiling named by its Awb article ("Het tijdvak, bedoeld in artikel 4:22 van
# de Algemene wet bestuursrecht, loopt van …", "Het subsidieplafond, bedoeld in artikel 4:22 van
# de Awb, voor de periode …"): a plafond period (guide 8), not the application window.
_CEILING_ARTICLE_RE = re.compile(r"(?<![\d:])4:22(?![\d:])")
# The gazette's passive opening verb after the span: "… wordt voor de periode van 4 april 2016 tot
# en met 17 mei 2016 opengesteld", "… voor de periode van … open te stellen voor het indienen
# van aanvragen": the span is the window that is opened, not what a grant covers.
_OPENED_AFTER_RE = re.compile(
    r"\b(?:opengesteld|open\s+te\s+stellen|open\s+gesteld|openstellen)\b", _I
)
# The money itself made available for a period ("De subsidiegelden zijn voor de periode van 22
# augustus 2022 tot en met 31 augustus 2023 beschikbaar gesteld"): what the budget covers, not
# the window, even though "subsidie" in the money's name reads as an application word.
_MONEY_PERIOD_RE = re.compile(
    r"\b(?:subsidie)?(?:gelden|geld|middelen|budget|bedrag)\w*\s+(?:(?:zijn|is|worden|wordt"
    r"|werden|werd)\s+)?(?:\w+\s+){0,2}?voor\s+de\s+periode\s+(?:van|vanaf)\s*$",
    _I,
)
# The same with the funder as subject and the period after "beschikbaar" ("De Provincie Zeeland
# stelt hiervoor € 30.000 subsidie beschikbaar in de periode van 1 juni 2019 tot en met 31
# december 2020 om de voortzetting … te kunnen realiseren", zeeland.nl): the period the money
# covers (guide 8), unless applying is named after the dates ("…, waarin verenigingen een
# aanvraag kunnen indienen").
_MADE_AVAILABLE_PERIOD_RE = re.compile(
    # (dots inside an amount keep the clause: "€ 30.000")
    r"\b(?:stelt|stellen|stelde|stelden)\b(?:[^.;:\n]|(?<=\d)\.(?=\d)){0,80}?\bbeschikbaar\s+"
    r"(?:in|voor)\s+de\s+periode\s+(?:van|vanaf)?\s*$",
    _I,
)
# A raise of the budget that is available from a day ("De ophoging van de subsidie is sinds 23
# september 2023 beschikbaar", "Het extra budget is vanaf 1 juli beschikbaar"): when the added
# money can be drawn on, a plafond change (guide 8), not the opening of the window.
# A count of applications over a period is a statistic, not a window (guide 8, 9): "Dit komt
# door 24.845 subsidie aanvragen voor 45.292 apparaten in de periode januari tot en met augustus
# 2019", "It received 1,240 applications in the period from January through August 2019". Both
# ends of the period follow the count; "Aanvragen kunnen in de periode van …" has no count.
_COUNT_PERIOD_RE = re.compile(
    r"\d(?:[\d.,]*\d)?\s+(?:[\w-]+\s+){0,2}?(?:aanvragen|applications|proposals)\b"
    r"(?:[^.;\n]|(?<=\d)[.,](?=\d)){0,60}?\b(?:in|over|during)\s+(?:de|het|the)\s+"
    r"(?:periode|tijdvak|period)\b"
    r"[^.;\n]{0,60}$",
    _I,
)
_MONEY_RAISE_LEAD_RE = re.compile(
    r"\b(?:(?:op|ver)hoging|aanvulling|extra\s+(?:budget|geld|middelen))\b[^.;:\n]{0,60}?"
    r"\b(?:is|wordt|zijn|worden)\s+(?:sinds|vanaf|per|met\s+ingang\s+van)\s*$",
    _I,
)
_AVAILABLE_TAIL_RE = re.compile(r"[\s,]*(?:\w+\s+){0,2}?beschikbaar\b", _I)
# A scheme available from a day ("Het betreft de budgetten voor drie regelingen, die sinds 21
# maart 2018 beschikbaar zijn", consultant news on OP Oost; "De voucherregeling is vanaf 1 april
# beschikbaar"): the scheme takes applications from then (guide 3, "sinds X"/"vanaf X"), though
# no applying word is written. The scheme is the subject: a relative clause right after it, or
# the clause opening with it ("De brochure over de regeling is vanaf 1 mei beschikbaar" opens
# nothing).
_SCHEME = r"(?:\w*regeling(?:en)?|\w*voucher(?:s|regeling)?|subsidies?)"
_SINCE = r"(?:sinds|vanaf|per|met\s+ingang\s+van)\s*$"
_SCHEME_AVAILABLE_LEAD_RE = re.compile(
    rf"\b{_SCHEME}(?:\s+(?:voor|van)\s+[^.;:,\n]{{1,40}}?)?\s*,?\s+die\s+{_SINCE}", _I
)
_SCHEME_SUBJECT_LEAD_RE = re.compile(
    rf"^\W*(?:de|het|deze|onze|een)\s+(?:[\w'’-]+\s+){{0,2}}?{_SCHEME}\b[^.;:\n]{{0,60}}?"
    rf"\s(?:is|zijn|wordt|worden)\s+{_SINCE}",
    _I,
)
# The year or period a grant is for, said as its own span: "Een werkingsjaar loopt van 1
# september t/m 31 augustus", "Het werkjaar waarop wordt beoordeeld, loopt van 1 juli 2020 tot
# …", "een kalenderjaarsubsidie (1 januari t/m 31 december)", "activiteiten in een
# kalenderjaar. ( 1 januari t/m 31 december)", "the activity period runs from …": an activity
# period (guide 8), not the application window beside it.
_WORK_YEAR_RE = re.compile(
    r"\b(?:werk(?:ings)?jaar|subsidiejaar|kalenderjaar|boekjaar|verenigingsjaar|activiteitenjaar|jaar(?=subsidie)"
    r"|activiteitenperiode|werkingsperiode|uitvoeringsperiode|subsidieperiode|subsidietijdvak"
    r"|(?:activity|project|implementation|funding|grant|financial|fiscal|working)\s+(?:period|year)"
    # "Duurt de activiteit één jaar (van 1 januari tot en met 31 december), vraagt u vóór …"
    r"|(?:activiteit|project)(?:en)?\s+(?:\w+\s+){0,2}?jaar)"
    r"(?:subsidie)?\b(?:(?:\s+|,\s*)(?!(?:aanvra|indien|aanvraag|apply|submi)\w*)[\w'’]+){0,5}?"
    r"(?:\s*,?\s+(?:loopt|lopen|duurt|beslaat|omvat|gaat|runs|lasts|covers|is|extends)"
    r"\s+(?:van|vanaf|from)|\s*\.?\s*\(\s*(?:van|from)?"
    # a definition in a regulation's first article ("subsidietijdvak: tijdvak van 1 oktober tot
    # en met 30 september in enig jaar", "kalenderjaar: de periode van 1 januari …")
    r"|\s*:\s*(?:(?:het|de|een|the|a)\s+)?(?:tijdvak|periode|period)\s+(?:van|vanaf|from))\s*$",
    _I,
)
# The year named as what an application period is for: "De aanvraagperiode voor het werkjaar 2025
# loopt van …", "The application period for the funding year 2025 runs from …" (the window).
_FOR_YEAR_LEAD_RE = re.compile(
    r"\b(?:aanvraag\w*|indien\w*|aanmeld\w*|applications?|submissions?|call|deadline)\b[^.;:\n]*$",
    _I,
)


def _work_year_span(text: str, start: int, cs: int, pos: int) -> bool:
    """Say whether the date at pos starts the span of an activity or work year."""
    mt = _WORK_YEAR_RE.search(text, start, pos)
    if mt is None:
        return False
    return not _FOR_YEAR_LEAD_RE.search(text, max(cs, mt.start() - 80), mt.start())


# After the span of such a year its own deadline follows: "(1 januari t/m 31 december) vraagt u
# jaarlijks vóór 1 juni …" (the closing is the application's, not the span's second end).
_WORK_YEAR_GAP_RE = re.compile(r"^\s*\)?\s*,?\s*(?:\w+\s+){1,6}$")

# A new predicate about applying between a decoy date and the next one ("De nieuwe regeling gaat
# in per 1 januari 2018, aanvragen kan tot 30 juni 2018", "… en aanvragen kunnen tot en met …"):
# the second date is that predicate's, not the end of the decoy's span.
_APPLY_PREDICATE_GAP_RE = re.compile(
    r"^[^.;\n]{0,60}?(?:,|\ben\b|\band\b)\s*(?:[\w-]+\s+){0,2}?(?:aanvragen|aanvraag|indienen"
    r"|applications?)"
    r"\s+(?:kan|kunnen|kunt|mag|mogen|moet|moeten|can|may|must)\b",
    _I,
)
# A confirmation of receipt promised by a date is no deadline ("alle aanvragers voor 23 oktober
# een ontvangstbevestiging sturen"); only next to the date, since a headline about late
# confirmations says nothing about the dates below it.
_RECEIPT_RE = re.compile(
    r"ontvangstbevestiging|bevestiging\s+van\s+ontvangst|acknowledg\w*\s+of\s+receipt"
    r"|confirmation\s+of\s+receipt",
    _I,
)
_NEAR_BEFORE, _NEAR_AFTER = 90, 90
_BULLETS = ("•", "·", "▪", "-", "–", "*")
# A heading about submission dates is not a decoy even if it says "gelden" (rules apply).
_SUBMISSION_HEAD_RE = re.compile(
    r"indien|deadline|aanvraagperiode|aanvraagtermijn|sluitingsdatum|submission", _I
)
# A list heading about when the projects take place: a range in its items is the project
# period ("Aanvragen voor projecten die plaatsvinden:\n• in de periode van 1 januari tot 30 juni,
# moeten ingediend worden tegen uiterlijk 15 september"), the deadline beside it is not.
_PERIOD_HEAD_RE = re.compile(
    # also a compound ("voor sportevenementen die plaatsvinden tussen 1 juli en 31 december")
    r"\b\w*?(?:project(?:en|s)?|activiteit(?:en)?|activities|evenement(?:en)?|events?)\s+"
    r"(?:die|dat|that|which)?\s*(?:\w+\s+){0,2}?(?:plaats\s*vind\w*|doorgaan|starten|beginnen"
    r"|lopen|worden\s+uitgevoerd|take\s+place|taking\s+place|start(?:ing)?|run(?:ning)?)\b",
    _I,
)
# "uiterlijk 15 september voor projecten die starten …": the decoy words after the date are
# about the projects the deadline is for, not about the date; so for the training a sector
# fund pays ("tot en met 1 mei 2024 voor opleidingen die starten na 1 september 2024").
_FOR_PROJECTS_RE = re.compile(
    # also with the applying words between ("kunnen tot 19 februari 2019 subsidie aanvragen voor
    # projecten tot maximaal € 125.000,- met een looptijd van …", ggdghor.nl)
    r"[\s,:-]*(?:(?:(?:subsidie|een\s+aanvraag|aanvragen|proposals|applications)\s+)?"
    r"(?:aanvragen|indienen|aan\s+te\s+vragen|in\s+te\s+dienen|submit|apply)\s+)?"
    r"(?:voor|for)\s+(?:de\s+|het\s+|alle\s+|all\s+|the\s+)?(?:\w+\s+)?"
    r"(?:projecten|project|projects|activiteiten|activities|initiatieven|opleidingen|opleiding"
    r"|trainingen|training|cursussen|cursus|scholingstrajecten|trajecten|courses|trainings)\b",
    _I,
)
# A rule about a date, not the date itself ("If November 1st falls on a weekend").
_CONDITION_TAIL_RE = re.compile(r"\s*(?:falls|valt)\s+(?:on|op|in)\b", _I)
_CONDITION_LEAD_RE = re.compile(r"\b(?:if|als|indien|wanneer)\s*$", _I)
# How far back a grant reaches, the date right after it ("Subsidieaanvragen kunnen ook met
# terugwerkende kracht t/m 1 januari 2023 ingediend worden", a waterschap's garden subsidy): the
# earliest day measures or costs count from, never the last day to apply (guide 8). Only the date
# it touches, so a deadline later in the same clause keeps its cue.
_RETROACTIVE_LEAD_RE = re.compile(
    r"\bterugwerkende\s+kracht\s+(?:(?:tot(?:\s+en\s+met)?|t/m|vanaf|per|naar|tot\s+op)\s+)?$", _I
)
# A tally up to the date, the verb right after it and a number before the participle: "Per 5 juli
# was van de 87 miljoen pas zo'n 52 miljoen euro subsidie aangevraagd", "Tot 1 juli zijn 300
# aanvragen ingediend" (a statistic, no bound; "uiterlijk 1 juli zijn ingediend" has no number;
# after a closing label the date stays the deadline the tally is counted at). A quantity word
# counts as the number ("Tot eind april waren er al voldoende aanvragen ontvangen", "Tot half
# juli zijn er 6.865 aanvragen gedaan"); a number may carry thousands separators. The active
# voice counts too, the applicants as subject ("Tot 6 mei hebben circa 123.000 ondernemingen
# zo'n premie aangevraagd", a news item on the Flemish hinderpremie); "Tot 1 juni hebben
# ondernemers de tijd om … in te dienen" names no number nor participle and keeps its deadline.
_TALLY_TAIL_RE = re.compile(
    r"[\s,]*(?:was|waren|is|zijn|hebben|heeft|had|hadden)\s+[^.\n\d]{0,40}?(?:\d(?:[\d.,]*\d)?|\b(?:voldoende|genoeg|zoveel|veel)\s)"
    r"[^.\n]{0,50}?\b(?:aangevraagd|ingediend|binnengekomen|gedaan|ontvangen)\b",
    _I,
)
# "Op 20 februari is de oproep geopend", "Maandag om 10.00 uur ging het loket open"; the subject
# may be a full scheme name ("Op 11 april 2017 is het aanvraagloket voor de regeling
# MKB-innovatiestimulering Regio en Topsectoren voor Oost-Nederland (MIT OOST) geopend").
_OPENED_TAIL_RE = re.compile(
    # (a clock time on the way keeps its dot: "gaat het loket om 9.00 uur open")
    r"^[\s,]*(?:(?:is|werd|zijn|werden|ging|gaat|gingen|gaan|wordt|wurdt|waard)\b"
    r"(?:[^.;:\n]|(?<=\d)[.:](?=\d)){0,130}?"
    r"\b(?:geopend|opengesteld|open|gestart|opengegaan|iepensteld|iepene)"
    # West Frisian (fryslan.frl/fy): "Op tiisdei 25 maaie 2021 giet de regeling iepen", "…
    # waard it fûns iepensteld"; "iepen" only with the verb of going, so "is it provinsjehûs
    # iepen" (a building open to visitors) is no opening
    r"|(?:giet|geane|gie|gienen)\b(?:[^.;:\n]|(?<=\d)[.:](?=\d)){0,130}?\biepen)\b",
    _I,
)
# "Op maandag 16 oktober publiceren we de regeling en is het mogelijk de aanvraag in te dienen":
# later in the date's clause applying becomes possible from that day (not "niet mogelijk").
_POSSIBLE_TAIL_RE = re.compile(
    r"^[\s,]*[^.;:\n]{0,120}?\b(?:is|wordt)\s+het\s+(?:(?:ook|weer|dan)\s+)?mogelijk\s+(?:om\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:in\s+te\s+dienen|aan\s+te\s+vragen)\b"
    # the same with a modal in the coordinated clause: "Op 1 maart 2021 komt het formulier om
    # 12.00 uur online en kunnen de vouchers aangevraagd worden" (a voucher programme's page)
    # (what is handed in names an application: not "en kunnen vragen worden ingediend")
    r"|^[\s,]*(?:[^.;:\n]|(?<=\d)[.:](?=\d)){0,100}?\ben\s+(?:kan|kunnen|kunt)\s+"
    r"(?:(?!niet\b|geen\b)[\w-]+\s+){0,2}?[\w-]*(?:aanvra|voucher|subsidie|voorstel|project)[\w-]*\s+"
    r"(?:worden\s+)?(?:aangevraagd|ingediend)\b",
    _I,
)
_COMING_AFTER_RE = re.compile(r"^\s*(?:aanstaande|oanstaande|komende)\b", _I)
# "Op 3 juni om 09:00 uur start de nieuwe ronde van de regeling": the start of an application
# round (not of a project: the noun must name a round, period or call). Told in the past too,
# with the period as subject ("Op 1 januari 2024 startte de aanvraagperiode van de regeling",
# bibliotheeknetwerk.nl on Tel mee met Taal); a bare "periode" or a "subsidieperiode" is the
# funded time (guide 8), so only a period of applying counts.
# The perfect with the participle last says the same ("Op 2 april is de nieuwe aanvraagronde van
# start gegaan"), and so does "opende" with the period as subject.
_ROUND_NOUN = (
    r"(?:(?:aanvraag|subsidie|indienings)?(?:ronde|tijdvak|openstelling|call)"
    r"|(?:aanvraag|indienings|aanmeldings)periode)\b"
)
_ROUND_START_TAIL_RE = re.compile(
    r"^[\s,]*(?:(?:start|starten|startte|startten|begint|beginnen|begon|begonnen|opende|openden)"
    rf"\s+(?:de|het|een)\s+(?:\w+\s+){{0,2}}?{_ROUND_NOUN}"
    rf"|(?:is|zijn)\s+(?:de|het|een)\s+(?:\w+\s+){{0,2}}?{_ROUND_NOUN}(?:\s+[\w-]+){{0,4}}?\s+"
    r"(?:gestart|begonnen|van\s+start\s+gegaan|geopend|opengegaan|opengesteld)\b)",
    _I,
)
# "On 20 March, the … programme launched a call for applications", "Op 1 mei opende het fonds
# een nieuwe oproep", "Op 3 juni heeft de provincie het loket geopend": a call launched or opened
# on that day opens then (a call only published is left to the publication rules). The subject
# may be a long agency name ("On the 26th of September 2023, The European Climate, Environment
# and Infrastructure Executive Agency (CINEA) has opened a new call").
_LAUNCHED_TAIL_RE = re.compile(
    r"^[\s,]*(?:[^.;:\n]{0,120}?\b(?:launched|launches|opened|opens|lanceerde|lanceert|opende"
    r"|openden|opent)\b[^.;:\n]{0,60}?\b(?:calls?|oproep\w*|applications?|aanvraagronde"
    r"|\w*loket(?:ten)?|tijdvak|submissions?)\b"
    r"|[^.;:\n]{0,40}?\b(?:heeft|hebben|has|have)\b[^.;:\n]{0,60}?\b(?:calls?|oproep\w*"
    # (schemes too: "Op 11 december heeft Regieorgaan SIA 4 KIEM-regelingen opengesteld")
    r"|aanvraagronde|loket|tijdvak|\w*regeling(?:en)?)\b[^.;:\n]{0,30}?\b(?:gelanceerd|geopend"
    r"|opengesteld|launched|opened)\b"
    # the separable past, the scheme between the verb and "open" ("Op 6 april stelde de
    # provincie de regeling open", cf. 1twente.nl on the MKB-voucher Overijssel)
    r"|[^.;:\n]{0,40}?\b(?:stelde|stelden)\b[^.;:\n]{0,60}?\b(?:\w*regeling(?:en)?|\w*loket(?:ten)?"
    r"|oproep\w*|calls?|tijdvak|aanvraagronde)\s+(?:[\w-]+\s+){0,2}?open\b)",
    _I,
)
# A call launched in the passive, the verb after the date: "De eerste oproep werd op 10 februari
# gelanceerd", "De derde oproep wordt vandaag, 21 december, gelanceerd", "The call was on 3 March
# launched" ("gelanceerd op 3 maart": _CALL_PUBLISHED_RE).
_CALL_WORDS = r"(?:calls?|oproep\w*|projectoproep\w*|aanvraagronde\w*|openstelling|tijdvak)"
_PASSIVE_LAUNCH_LEAD_RE = re.compile(
    rf"\b{_CALL_WORDS}\b[^.;:\n]{{0,80}}?\b(?:werd|wordt|is|zijn|werden|was|were|has\s+been"
    r"|have\s+been)\s+(?:(?:vandaag|today),?\s+)?(?:(?:op|on)\s+)?$",
    _I,
)
_LAUNCH_WORD_TAIL_RE = re.compile(r"^[\s,]*(?:gelanceerd|launched)\b", _I)
# The launch verb before the date and the call after it: "Interreg Vlaanderen-Nederland lanceerde
# op 4 juni haar tweede oproep voor projecten" (a website or campaign launched is no call).
# The subject may follow the verb ("Daartoe lanceert Brussels International op 15 maart een
# projectoproep", overheidsdienst.brussels on solidair wereldburgerschap 2019).
_LAUNCH_VERB_LEAD_RE = re.compile(
    r"\b(?:lanceerde|lanceerden|lanceert|lanceren)\s+(?:(?!op\b)[\w.-]+\s+){0,4}?(?:op\s+)?$", _I
)
# An adverb, a count or an adjective may stand between ("Toerisme Vlaanderen lanceerde op 15 maart
# 2022 officieel de eerste 2 thematische oproepen", toerismevlaanderen.be relance 2022).
_CALL_OBJECT_TAIL_RE = re.compile(
    r"^[\s,]*(?:(?:officieel|formeel|opnieuw|ook)\s+)?"
    r"(?:(?:haar|zijn|hun|de|het|een|nieuwe|eerste|tweede|derde|vierde|volgende|\d{1,2}|twee"
    rf"|drie|vier|vijf|[a-z]+ische)\s+){{0,4}}{_CALL_WORDS}\b",
    _I,
)
# ... and the perfect with the date after "heeft" and the participle last: "Het Brussels
# Hoofdstedelijk Gewest heeft op 10 juni 2022 een nieuwe editie gelanceerd van de projectoproep
# Opensoon" (1819.brussels), "De provincie heeft op 3 maart de oproep gelanceerd".
_PERFECT_LAUNCH_LEAD_RE = re.compile(r"\b(?:heeft|hebben)\s+(?:[\w-]+\s+){0,2}?op\s+$", _I)
_PERFECT_LAUNCH_TAIL_RE = re.compile(
    rf"^[\s,]*(?:(?:[\w-]+\s+){{0,4}}?{_CALL_WORDS}\b[^.;:\n]{{0,60}}?\b(?:gelanceerd|opengesteld)\b"
    rf"|(?:[\w-]+\s+){{0,3}}?editie\s+(?:[\w-]+\s+){{0,2}}?gelanceerd\s+van\s+(?:de|het)\s+"
    rf"{_CALL_WORDS})",
    _I,
)
# A call published (or launched) on a date opens then ("Calls are expected to be published on"),
# unless a closing word comes between ("should be launched in March and close on 30 April").
# "Issued" and "released" say the same of a call ("The second call is expected to be issued on
# 14/04/2022").
# A call cited by its place in the gazette ("de Call for proposals …, in de Staatscourant
# gepubliceerd op 22 juni 2021, nr. 31456") is a document reference in a recital, not a launch.
_CALL_PUBLISHED_RE = re.compile(
    r"\b(?:calls?|oproep(?:en)?)\b(?:(?!staatscourant|stcrt|gazette)[^.\n]){0,80}?"
    r"\b(?:published|launched|issued|released"
    r"|gepubliceerd|gelanceerd)"
    r"\b(?:(?!clos|sluit|deadline)[^.\n]){0,60}$",
    _I,
)
# Early closure: the budget ran out on that day ("dinsdag rond 20.30 uur geen budget meer").
_RAN_OUT_RE = re.compile(
    # ("op" lower case and no hyphen after it: "budget van EFRO OP-Oost" names the programme)
    r"(?:subsidie)?plafond\s+(?:is\s+|was\s+|werd\s+)?(?:al\s+)?bereikt|budget\b[^.\n]{0,30}\b(?-i:op)\b(?![-–])"
    # ("Nieuwe STAP-budget op maandag 18 september van start": "op" the preposition of a day)
    r"(?!\s+(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\s+)?\d{1,2}\s+[a-z])"
    # the day inside the verb phrase: "Het subsidieplafond werd op 4 maart om 10.15 uur bereikt"
    r"|plafond(?:\s+[\w-]+){0,4}?\s+(?:is|was|werd)\s+(?:al\s+)?op\s+(?:(?!niet\b|nog\b)(?:[^.;\n]|(?<=\d)\.(?=\d)))"
    r"{1,45}?\bbereikt\b"
    r"|geen\s+budget\b[^.\n]{0,40}\bmeer|budget\s+(?:was|is)\s+(?:al\s+)?(?:op|leeg|uitgeput)"
    r"|ran\s+out|exhausted|uitgeput"
    # a long name between ("Op 4 maart was het budget van de subsidie voor geveltuinen al op")
    r"|budget\b[^.\n]{0,60}?\s(?:al|alweer|helemaal|volledig)\s+op(?=\s*(?:[.!;,]|$))"
    # the money, not the budget ("Dinsdagmiddag was het geld al op")
    r"|\b(?:was|is)\s+het\s+geld\s+(?:al\s+|alweer\s+|helemaal\s+)?op(?=\s*(?:[.!;,]|$))"
    # gone within a span of time that day ("was dinsdag al binnen een paar uur op")
    r"|" + QUICK_GONE,
    _I,
)
_POSITIVE_RE = first_letter_guard(
    re.compile(
        r"aanvra|aangevraagd|indien|ingediend|\bdien\b|submi|appl(?:y|ication|icant)|proposal"
        # "inzenden", "insturen" (to send in) are Dutch for submitting too: "De projectschetsen
        # kunnen worden ingezonden vanaf 28 februari 2023"; not the adjective ("de ingezonden
        # foto's"), which names what was sent in before
        r"|(?<!\bde\s)(?<!\bhet\s)(?<!\bdie\s)ingezonden|\binzend|\binsturen|ingestuurd"
        # the passive of applying for a grant ("The voucher can be applied from 24 January"),
        # not a rule or rate that is applied
        r"|\b(?:can|could)\s+be\s+applied\b|\bapplied\s+for\b"
        # the separable verb "indienen" split: "Voor 1 november dient u plannen in"
        r"|\bdient\b(?:\s+(?!in\b)\w+){0,4}?\s+in\b(?!\s+(?:te|het|de|een|\d))"
        r"|openstelling"
        r"|opengesteld|tijdvak|tranche|ronde|loket|deadline|inschrijv|aanmeld|\bcalls?\b|subsidie"
        # the participle written apart ("De regeling … wordt vanaf 12 september open gesteld")
        r"|\bopen\s+gesteld\b"
        # a call for proposals in Dutch ("De oproep loopt tot en met 30 juni")
        r"|oproep"
        r"|aan\s+te\s+vragen|in\s+te\s+dienen|voorstellen|\bvraag\w*\s+(?:\w+\s+){0,3}aan\b"
        # subscribing to a specific grant for municipalities ("Vanaf 8 februari is het mogelijk om
        # als gemeente in te tekenen op een Brede Specifieke Uitkering")
        r"|\bintekenen\b|\bin\s+te\s+tekenen\b|\bingetekend\b|\btekent\s+(?:\w+\s+){0,3}?in\b"
        # Flemish: the papers are delivered ("bezorgen de vereiste documenten … tegen 4 oktober")
        r"|\bbezorg(?:en|t|d)?\s+(?:\w+\s+){0,3}?(?:documenten|formulier\w*|dossier|bewijsstukken"
        r"|stukken)\b"
        # West Frisian (fryslan.frl/fy): "subsydzje oan te freegjen", "oanfreegje", "yntsjinje"
        r"|freegj|oanfraach|yntsjin|subsydzje"
        # Flemish candidatures and project proposals ("Kandidaturen worden verwacht tegen 31
        # januari", "kandideren kan tot …", "Je projectvoorstel wordt verwacht tegen …")
        r"|\bkandidatu(?:ur|ren)\b|\bkandide(?:ren|ert|er)\b|projectvoorstel"
        # Flemish VLIF investment aid is applied for in quarterly "blokperiodes" ("De huidige
        # blokperiode loopt tot en met 30 juni 2023"): the period is the application window
        r"|blokperiode",
        _I,
    ),
    "abcdfikloprstvy",
)
# Every match of _POSITIVE_RE contains one of these words (checked like NEGATIVE_WORDS).
POSITIVE_WORDS = (
    "aanvra", "dien", "submi", "appl", "proposal", "openstelling", "opengesteld", "tijdvak",
    "tranche", "ronde", "loket", "deadline", "inschrijv", "aanmeld", "call", "subsidie",
    "vragen", "voorstellen", "vraag", "bezorg", "teken", "freegj", "oanfraach", "yntsjin",
    "subsydzje", "kandid", "projectvoorstel", "oproep", "ingezonden", "inzend", "insturen",
    "ingestuurd", "blokperiode", "gesteld",
)  # fmt: skip
RECURRING_RE = re.compile(
    r"\b(?:jaarlijks|elk\s+jaar|ieder\s+jaar|per\s+jaar|annually|every\s+year|each\s+year"
    # a day of whichever year is applied for: "van 1 januari tot en met 31 maart van het
    # subsidiejaar", "uiterlijk 1 oktober voorafgaand aan het jaar waarvoor …"
    r"|van\s+het\s+subsidiejaar|voorafgaand[e]?\s+aan\s+het\s+(?:subsidie)?jaar)\b",
    _I,
)
CONTEXT_YEAR_RE = re.compile(
    r"\b(?:in|openstelling|perioden?|tijdvak(?:\s+van)?|ronde|jaar|year|voor|for)\s+"
    r"((?:19|20)\d\d)\b(?![-/.]\d)"
    # not the year of an amount ("komend jaar 2,7 miljoen en in 2021 1,5 miljoen", "Voor 2022:
    # € 32 miljoen"): a budget spread over years says nothing of the window's year
    r"(?!\s*:?\s*(?:€|eur\b|euro\b|\d[\d.,]*\s*(?:miljoen|mln|miljard|ton\b|duizend|euro\b|€)))",
    _I,
)
DEFAULT_CLOSE_TIME_AFTER_RE = re.compile(
    rf"(?:not?\s+later\s+than|by|before|vóór|voor)\s+{TIME_PATTERN}[^.\n]{{0,60}}?"
    rf"(?:deadline|einddatum|sluitingsdatum)",
    _I,
)
# ... or said of "de sluitingsdatum" with "uiterlijk" or "vóór" ("Op de sluitingsdatum moet de
# aanvraag uiterlijk 17:00 uur ingediend zijn", boerenbusinessinbalans.nl), not any "om" time
# near that word ("Na de sluitingsdatum volgt een pitch om 14.00 uur").
CLOSING_DAY_TIME_RE = re.compile(
    rf"\bsluitingsdatum\b[^.\n]{{0,80}}?\b(?:uiterlijk|vóór|voor)\s+(?:om\s+)?{TIME_PATTERN}", _I
)
# A deadline time stated apart from the date ("Aanvragen moeten op de dag van de deadline voor
# 17.00 uur ingediend worden", "All deadlines … end at 12.00 (noon)"): it applies to closings
# written without a time.
DEFAULT_CLOSE_TIME_RE = re.compile(
    rf"(?:einddatum|deadlines?|sluitingstijd|closing\s+date)(?:[^.\n]{{0,120}}?"
    rf"(?:vóór|voor|om|tot|at|by|before|not?\s+later\s+than|end\s+at)\s+|\s*:?\s*)"
    rf"{TIME_PATTERN}",
    _I,
)
# A deadline time written in words and stated apart from the dates ("… by midnight (Eastern
# Standard Time) on the day of the deadline", "The cut off time for applications is midday", "De
# sluitingstijd is middernacht"): midnight is the end of the deadline day, midday 12:00 (guide 5).
# The deadline word must follow in the same sentence, or the time must be what a "cut-off time"
# or "sluitingstijd" is, so phone hours ("until midnight on weekdays") and booking times for an
# info session ("by noon on the day before the session") lend nothing.
_WORDED_TIME = (
    r"(?:(?P<mid>(?<![\w])(?:middernacht|midnight)(?![a-z]))"
    r"|(?P<noon>(?<![\w])(?:12\s+)?(?:noon|midday)(?![a-z])))"
)
WORDED_CLOSE_TIME_BEFORE_RE = re.compile(
    rf"\b(?:by|before|until|vóór|voor|tot)\s+{_WORDED_TIME}[^.\n]{{0,60}}?"
    r"\b(?:deadline|closing\s+date|sluitingsdatum|einddatum)",
    _I,
)
WORDED_CLOSE_TIME_IS_RE = re.compile(
    r"(?:\b(?:cut[- ]?off|closing|deadline|submission)\s+time|\bsluitingstijd)\b[^.\n]{0,50}?"
    rf"(?:\bis|:)\s+(?:at\s+|om\s+)?{_WORDED_TIME}",
    _I,
)
# "!" ends a sentence only before a capital: "Voor elkaar! geopend" is a name. The dot of "jl."
# or "j.l." ends no sentence ("Vanaf 8 februari jl. is het mogelijk om in te tekenen").
_BOUNDARY_RE = re.compile(
    r"(?<![\s.][jJ][lL])(?<![jJ]\.[lL])[.?](?=\s+[^\W\d_])|!(?=\s+[A-Z])|[;\n|▪•]"
    r"|\[(?:…|\.\.\.)\]"
)
_PARENS_RE = re.compile(r"\([^()]*\)")
# The dot of a Dutch abbreviation that stands inside a sentence ends no clause ("Vraag de
# subsidie z.s.m. aan en uiterlijk vóór 14 juli", "Dien uw aanvraag i.v.m. de drukte uiterlijk
# 1 mei in"): the verb and the deadline stay together. Only abbreviations that hardly ever end a
# sentence, since case cannot tell (a page may be all capitals).
_ABBREVIATION_END_RE = re.compile(
    r"(?:^|[\s(])(?:i\.v\.m|m\.b\.t|t\.a\.v|o\.b\.v|m\.u\.v|i\.p\.v|d\.w\.z|o\.a|z\.s\.m"
    r"|bijv)$",
    _I,
)


def _abbreviation_dot(text: str, pos: int) -> bool:
    """Say whether the dot at pos ends an abbreviation inside a sentence."""
    return text[pos] == "." and _ABBREVIATION_END_RE.search(text, max(0, pos - 8), pos) is not None


@dataclass
class Role:
    """The role of one mention and the clause facts needed to judge it."""

    m: Mention
    role: DateRole = NONE
    negative: bool = False
    positive: bool = False
    strong: bool = False  # a label cue such as "Deadline" or "opent": enough on its own
    decoyed: bool = False  # a decoy cue governs a date that had an application cue
    launch: bool = False  # an opening read from a call launched or published on that day
    other_scheme: bool = False  # a row of another scheme in a list or table (guide 2)
    cue: str = ""
    amends: bool = False
    replaces: Mention | None = None  # the old date an amended one is moved from
    # a dash joins two dates under a closing label ("Deadline: 13/03 – 03/10"): a range or two
    # deadlines? Read as a range, but not published without review.
    ambiguous: bool = False
    clause: tuple[int, int] = (0, 0)
    context_start: int = 0
    programme_stop: bool = False  # a programme ended per this day, applying no longer possible
    # Where the window pairing reads it: its start, or just after the opening it is paired
    # with when a table puts openings and closings in rows ("Opening | … \n Deadline | …").
    order: float = -1.0

    @property
    def pairing_order(self) -> float:
        return self.order if self.order >= 0 else float(self.m.start)


# A numbered stage of a call said to be open, the stage as subject ("Stap 1 staat tot 26 april
# 2024 (12:00 uur) open", "Step 2 remains open until 3 June"): the stage is the submission
# itself, so its dates are application dates; a project phase that "loopt" is not.
_STAGE_OPEN_RE = re.compile(
    r"\b(?:stap|fase|step|stage)\s*\d\b[^.;\n]{0,30}?\b(?:staat|blijft|is|stays|remains)\b"
    r"[^.;\n]{0,60}?\bopen\b",
    _I,
)


def _inside_mention(pos: int, mentions: list[Mention], starts: list[int]) -> bool:
    """Say whether pos lies inside a mention (mentions do not overlap, in text order)."""
    i = bisect_left(starts, pos + 1) - 1
    return i >= 0 and pos < mentions[i].end


def _clause_spans(text: str, mentions: list[Mention]) -> list[tuple[int, int, bool]]:
    """Split text into non-blank clauses: (start, end, starts after a line or cell break)."""
    starts = [m.start for m in mentions]
    cuts = [
        b.start()
        for b in _BOUNDARY_RE.finditer(text)
        if not _inside_mention(b.start(), mentions, starts)
        and not _abbreviation_dot(text, b.start())
    ]
    spans: list[tuple[int, int, bool]] = []
    prev = -1
    for cut in [*cuts, len(text)]:
        if text[prev + 1 : cut].strip():
            gap = text[spans[-1][1] : prev + 1] if spans else ""
            spans.append((prev + 1, cut, "\n" in gap or "|" in gap))
        prev = cut
    return spans


def _clause_of(spans: list[tuple[int, int, bool]], starts: list[int], pos: int) -> int:
    """Return the index of the clause holding pos (the last one if none does)."""
    i = bisect_left(starts, pos + 1) - 1  # clauses are disjoint and in text order
    return i if i >= 0 and pos < spans[i][1] else len(spans) - 1


# A reopening told after a bare date, forecast or not: "(RVO verwacht dat de subsidie …) 2
# september 2019 weer kan worden aangevraagd", "… 1 maart opnieuw open gaat".
_REOPEN_TAIL_RE = re.compile(
    r"^[\s,]*(?:(?:kan|kunnen|kunt|zal|zullen|wordt|worden|gaat|gaan)\s+)?(?:weer|opnieuw)\s+"
    r"(?:(?:kan|kunnen|kunt|worden|open)\s+){0,2}(?:aangevraagd|ingediend|aanvragen|indienen"
    r"|open|opengesteld|geopend)\b",
    _I,
)
# "sinds mei 2017 uitgeput", "since March closed": the day a stop began.
# "op" only as the budget being spent, not as the preposition of a coordinated closing day
# ("is open sinds 8 augustus 2017 en sluit op 19 september 2017": the opening, mijn.rvo.nl).
_SINCE_STOP_TAIL_RE = re.compile(
    r"[\s,]*(?:\w+\s+){0,2}?(?:uitgeput|gesloten|leeg|vol|op(?!\s+(?:\w+\s+)?\d)|bereikt"
    r"|gestopt|exhausted|closed|suspended)\b",
    _I,
)


# "De indieningsperiode is per 21 oktober beëindigd", "stop te zetten met ingang van 14 juli":
# an early stop dated with an opening cue; the date is the day given for the closure (guide
# 6.5), not an opening. "be.indigd" also reads a mis-decoded "ë".
_STOP_WORDS = r"(?:be.indigd|gesloten|stopgezet|gestopt)"
_PER_STOP_TAIL_RE = re.compile(rf"[\s,]*(?:\w+\s+){{0,2}}?{_STOP_WORDS}\b", _I)
_STOP_PER_LEAD_RE = re.compile(
    rf"(?:\bstop\s+te\s+zetten|{_STOP_WORDS})\s+(?:met\s+ingang\s+van|per)\s*$", _I
)


# The ceiling ran out on a day: "Dit subsidieplafond is per 1 juni 2017 bereikt", "het budget
# was met ingang van 3 maart uitgeput": the early closure of the window (guide 6.5).
_PLAFOND_PER_LEAD_RE = re.compile(
    r"\b(?:\w*plafond|budget)(?:\s+[\w-]+){0,4}?\s+(?:is|werd|was)\s+(?:per|met\s+ingang\s+van)\s*$",
    _I,
)
_REACHED_TAIL_RE = re.compile(r"[\s,]*(?:\w+\s+){0,2}?(?:bereikt|uitgeput|besteed)\b", _I)


def _per_stop(cue: str, lead: str, clause: str, r: Role) -> bool:
    """Say whether a "per"/"met ingang van" date is the day a scheme was stopped."""
    if cue.split()[0].lower() not in ("per", "met"):
        return False
    tail = r.m.end - r.clause[0]
    return bool(
        r.programme_stop
        or _STOP_PER_LEAD_RE.search(lead[-60:])
        or (_WINDOW_STOP_RE.search(lead[-180:]) and _PER_STOP_TAIL_RE.match(clause, tail))
        or (_PLAFOND_PER_LEAD_RE.search(lead[-80:]) and _REACHED_TAIL_RE.match(clause, tail))
    )


# Applying no longer possible from a day ("Vanaf 2 mei kunt u geen aanvragen meer indienen",
# "Per 1 juli is aanvragen niet meer mogelijk"): a stop from that day, so the window's last day
# is the day before, as with "vóór" (guide 3).
_NO_MORE_TAIL_RE = re.compile(
    r"[^.;\n]{0,60}?(?:\bgeen\b[^.;\n]{0,60}?\b(?:aanvra\w*|indien\w*|aangevraagd|ingediend)\b"
    r"[^.;\n]{0,40}?\bmeer\b"
    r"|\bgeen\b[^.;\n]{0,50}?\bmeer\b[^.;\n]{0,40}?\b(?:aanvra\w*|indien\w*|aangevraagd|ingediend)\b"
    r"|\b(?:aanvragen|indienen|aanvraag)\b[^.;\n]{0,40}?\bniet\s+(?:meer|langer)\s+(?:mogelijk|kan)\b"
    r"|\bniet\s+(?:meer|langer)\s+(?:worden\s+)?(?:aangevraagd|ingediend|aanvragen|indienen)\b"
    # without "meer": "Vanaf 1 juli kunnen geen nieuwe aanvragen worden ingediend", "Met ingang
    # van 1 juli is het niet langer mogelijk een aanvraag in te dienen", "Vanaf 1 juli is de
    # regeling gesloten (voor nieuwe aanvragen)", "From 1 July the call is closed to new
    # applications" (the modal right before "geen": not "wie nog geen aanvraag deed")
    r"|\b(?:kan|kunt|kunnen|worden|wordt)\s+(?:er\s+|u\s+|je\s+|men\s+)?geen\s+(?:nieuwe\s+)?"
    r"(?:\w+\s+)?(?:\w*aanvra\w*|aangevraagd)\b"
    # ("Na 16 september 17:00 uur is het niet meer mogelijk een nieuwe aanvraag in te dienen",
    # RVO's questions on the Subsidieregeling praktijkleren)
    r"|\bniet\s+(?:langer|meer)\s+mogelijk\b[^.;\n]{0,60}?\b(?:aan\s+te\s+vragen|in\s+te\s+dienen|aanvra\w*)"
    # (the scheme noun may carry a prefix with a hyphen: "Per 8 augustus 2013 is de
    # PV-subsidieregeling voor particulieren gesloten", "het ISDE-loket", "de SDE-ronde")
    r"|\b(?:is|zijn)\s+(?:het|de)\s+(?:[\w]+-)?(?:\w*loket|\w*regeling|aanvraagperiode|openstelling"
    r"|oproep|tijdvak|subsidie)\s+(?:(?:voor|van)\s+[^.;,\n]{1,50}?\s+)?(?:(?:definitief|helaas)\s+)?"
    r"(?:gesloten|dicht)\b"
    r"|\b(?:\w*loket|\w*regeling|aanvraagperiode|openstelling|oproep|tijdvak|subsidie)\s+"
    r"(?:is|wordt)\s+(?:(?:definitief|helaas)\s+)?(?:gesloten|dicht)\b"
    r"|\bclosed\s+(?:to|for)\s+(?:new\s+)?(?:applications|submissions|proposals)\b"
    r"|\bno\s+(?:new\s+|more\s+|further\s+)?(?:applications|proposals|submissions)\s+"
    r"(?:will|can|may)\s+be\s+(?:accepted|submitted|received|considered)\b)",
    _I,
)


# Applications arriving after a day are refused: "Aanvragen die na 1 juli (17.00 uur) binnenkomen,
# worden niet in behandeling genomen", "Applications received after 1 July will not be considered".
_LATE_RULE_LEAD_RE = re.compile(
    r"\b(?:aanvragen|aanvraag|applications?|proposals?|\w*voorstellen)\s+"
    r"(?:(?:voor|for|van|om)\s+[^.,;\n]{1,60}?\s+)?(?:(?:die|dat|that|which)\s+(?:\w+\s+){0,3}?|(?:received|submitted|ingediend|ontvangen)\s+)$",
    _I,
)
_LATE_RULE_TAIL_RE = re.compile(
    r"[^.;\n]{0,30}?(?:\b(?:binnen\s*komen|binnenkomen|ontvangen|ingediend|worden|zijn|are|is)\b)?"
    r"[^.;\n]{0,40}?\b(?:niet\s+(?:meer\s+)?(?:in\s+behandeling|behandeld|geaccepteerd|gehonoreerd"
    r"|meegenomen|beoordeeld|ontvankelijk)|buiten\s+behandeling|afgewezen"
    r"|(?:will|are|shall)\s+not\s+be\s+(?:considered|accepted|processed|eligible|assessed)"
    r"|(?:are|will\s+be)\s+(?:ineligible|rejected))",
    _I,
)


# The submitting itself was stopped, not the regulation ("De regeling is per 1-1-2024
# beëindigd" stays a decoy): "De indieningsperiode is per 21 oktober beëindigd".
# (applying itself as the subject: "Aanvragen BOSA-subsidie in 2024 wordt per 1 augustus
# stopgezet", "Het aanvraagportaal wordt per 1 augustus gesloten")
# The scheme may be named between with "voor"/"van" ("De indieningstermijn voor de
# Uitvoeringsregeling subsidie MKB innovatiestimulering topsectoren Noord-Holland 2019 is per
# 10 september 2019 gesloten", noord-holland.nl).
_WINDOW_STOP_RE = re.compile(
    r"\b(?:indieningsperiode|aanvraagperiode|aanvraagtermijn|indieningstermijn|loket|tijdvak"
    r"|openstelling|aanvragen|aanvraagportaal|aanvraagloket|portaal)(?:\s+[\w-]+){0,4}?"
    r"(?:\s+(?:voor|van)\s+[^.;:\n]{1,100}?)?\s+(?:is|werd|wordt)\s+(?:per|met\s+ingang\s+van)\s*$",
    _I,
)

# A programme or scheme ended per a day, the next sentence saying applying is no longer possible
# ("Het voucherprogramma is per 1 december beëindigd. Het is dus niet meer mogelijk een
# digitaliseringsvoucher aan te vragen", a municipal voucher page): the early closure of the
# window (guide 6.5); without that sentence the end of a scheme stays a decoy (guide 8).
_PROGRAMME_STOP_RE = re.compile(
    r"\b(?:\w*programma|\w*regeling)(?:\s+[\w-]+){0,4}?\s+(?:is|werd)\s+(?:per|met\s+ingang\s+van)\s*$",
    _I,
)
_NO_LONGER_APPLY_RE = re.compile(
    r"[^.\n]{0,40}?[.!]\s+[^.\n]{0,40}?\bniet\s+(?:meer|langer)\s+mogelijk\b[^.\n]{0,80}?"
    r"\b(?:aan\s+te\s+vragen|in\s+te\s+dienen)\b",
    _I,
)


def _window_stop(text: str, cs: int, m: Mention) -> bool:
    """Say whether a date is the day the submission period itself was stopped."""
    if not _WINDOW_STOP_RE.search(text, max(cs, m.start - 180), m.start):
        return False
    end = text.find("\n", m.end)
    return bool(_PER_STOP_TAIL_RE.match(text, m.end, len(text) if end < 0 else end))


def _programme_stop(text: str, cs: int, m: Mention) -> bool:
    """Say whether a programme ended per this day and the next sentence says applying is no
    longer possible."""
    if not _PROGRAMME_STOP_RE.search(text, max(cs, m.start - 80), m.start):
        return False
    end = text.find("\n", m.end)
    return bool(
        _PER_STOP_TAIL_RE.match(text, m.end, len(text) if end < 0 else end)
        and _NO_LONGER_APPLY_RE.match(text, m.end, m.end + 200)
    )


# English "since" as "because", the date the subject of its verb: "Since 1st of April 2024 is a
# holiday, the deadline will be postponed to Tuesday 2nd of April" (fwo.be, 2024). The day is the
# reason for a move, no opening (guide 3: only "since" of applications opens).
_SINCE_BECAUSE_TAIL_RE = re.compile(
    r"\s*,?\s*(?:is|was|falls|fell|will\s+(?:be|fall)|would\s+be)\b(?!\s+(?:open|possible))", _I
)


def _since_stop(cue: str, clause: str, r: Role) -> bool:
    """Say whether a "sinds"/"since" date is the start of a stop (or a reason), not a window's."""
    word = cue.split()[0].lower()
    if word not in ("sinds", "since"):
        return False
    tail = r.m.end - r.clause[0]
    if word == "since" and _SINCE_BECAUSE_TAIL_RE.match(clause, tail):
        return True
    return bool(_SINCE_STOP_TAIL_RE.match(clause, tail))


# Dutch puts "om" between a deadline cue and a clock time written before the date ("moet
# uiterlijk om 17.00 uur op 16 september 2019 zijn ingediend"); the mention starts at the time,
# so the cue is not adjacent to it without dropping that "om".
_OM_END_RE = re.compile(r"\s+om\s*$", _I)
_CLOCK_FIRST_RE = re.compile(r"(?:[01]?\d|2[0-4])(?:[.:][0-5]\d\s*(?:uur\b)?|\s*uur\b)", _I)


def _clock_first_lead(r: Role, lead: str, clause: str) -> str:
    """The lead without a final "om" when the mention begins with its clock time."""
    if r.m.time is None or not _OM_END_RE.search(lead[-8:]):
        return lead
    if not _CLOCK_FIRST_RE.match(clause, r.m.start - r.clause[0]):
        return lead
    return _OM_END_RE.sub(" ", lead)


# An opening planned for a day: "De (eerste) openstelling van de module is voorzien voor …",
# "De opening van het loket staat gepland voor …". The opening noun must be the subject, so a
# deadline planned for a day ("De sluiting van de openstelling is gepland voor 1 mei") keeps
# its own role.
_PLANNED_FOR_LEAD_RE = re.compile(
    r"\b(?:openstelling|opening|openingsdatum|start\s+van\s+(?:de|het)\s+(?:\w+\s+)?"
    r"(?:aanvraag\w*|loket|tijdvak|regeling|ronde))\b(?![^.;:\n]*(?:sluit|deadline|einddatum))"
    r"[^.;:\n]{0,80}?\b(?:is|staat|wordt|zijn|staan|worden)\s+(?:\w+\s+)?"
    r"(?:voorzien|gepland|ingepland)\s+voor\s*$",
    _I,
)


def _decide(r: Role, lead: str, label_lead: str, gap_before: str | None,
            gap_after: str | None, prev: Role | None, clause: str) -> None:  # fmt: skip
    """Set the role of one mention from the words around it (most specific cue first)."""
    if _SUPERSEDE_RE.search(lead[-60:]) or (
        gap_after is not None
        and _WAS_NEW_GAP_RE.match(gap_after)
        and _WAS_LEAD_RE.search(lead[-120:])
    ):
        r.role = OLD
        if _INSTEAD_LEAD_RE.search(lead[-40:]):
            r.cue = "instead"
        return
    if prev is not None and gap_before is not None:
        if prev.role == OLD and prev.cue == "instead" and _INSTEAD_RANGE_END_RE.match(gap_before):
            r.role = OLD  # "in plaats van 1 tot en met 31 augustus": the whole range replaced
            return
        if (
            prev.role == OLD
            and _OLD_RANGE_END_RE.match(gap_before)
            and gap_after is not None
            and _TO_NEW_RE.match(gap_after)
        ):
            r.role = OLD
            return
        if prev.role == OLD and (_NEW_RE.match(gap_before) or _WAS_NEW_GAP_RE.match(gap_before)):
            # an extension lengthens a window, so its new date is the deadline even when a
            # name in the clause holds "start" ("The Starting Grant call will be extended from")
            opening = (
                _OPENING_WORDS_RE.search(clause)
                and not CLOSING_WORDS_RE.search(clause)
                and not _EXTENDED_RE.search(clause)
            )
            # the new date starts a range of its own ("… naar 15 februari t/m 31 maart")
            starts_range = gap_after is not None and _OLD_RANGE_END_RE.match(gap_after)
            opening = opening or bool(starts_range and _TO_NEW_RE.match(gap_before))
            r.role, r.amends, r.strong = (OPEN if opening else CLOSE_INCL), True, True
            r.replaces = prev.m
            return
        conn = _CONNECTOR_RE.match(gap_before)
        if prev.cue == "spread" and prev.role == NONE and conn:
            return  # "varieert … van eind november 2021 tot midden januari 2022": the last one
        if prev.cue == "deadlines" and _DASH_RE.match(gap_before):
            r.role, r.strong, r.cue = CLOSE_INCL, True, "deadlines"  # "deadlines: X – Y"
            r.positive = r.positive or prev.positive
            return
        if prev.role == OPEN and conn and (not conn["and"] or prev.cue in ("tussen", "between")):
            r.role, r.strong = (CLOSE_EXCL if conn["excl"] else CLOSE_INCL), prev.strong
            r.positive, r.ambiguous = r.positive or prev.positive, prev.ambiguous
            day_to_month = prev.m.precision == "day" and r.m.precision == "month"
            if day_to_month and conn["incl"] and conn["incl"][0] in "tT":
                # "van 3 april t/m oktober": an explicit inclusive end month closes on its
                # last day (LABELLING.md 4.3), as "tot en met december 2021" on its own does;
                # not a span of months ("van september 1944 tot en met mei 1945")
                r.cue = conn["incl"].split()[0].lower()
            return
    if (
        _CONDITION_LEAD_RE.search(lead[-20:])
        or _RETROACTIVE_LEAD_RE.search(lead[-40:])
        or (gap_after is None and _CONDITION_TAIL_RE.match(clause, r.m.end - r.clause[0]))
        or (  # not after a closing label: "Op de sluitingsdatum 31 januari waren er 26 …"
            _TALLY_TAIL_RE.match(clause, r.m.end - r.clause[0])
            and not CLOSING_WORDS_RE.search(lead[-40:])
        )
    ):
        return
    adj = _ADJACENT_RE.search(_clock_first_lead(r, lead, clause)[-60:])
    if (
        adj is None
        and not lead.strip()
        and label_lead.rstrip().lower().endswith(("t/m", "met", "tot"))
    ):
        # a cue at the end of the label line above: "Aanvragen mogelijk t/m\n31 december"
        adj = _ADJACENT_RE.search(label_lead.rstrip()[-60:])
    if (
        adj
        and adj["none"]
        and adj["none"].lower() == "na"
        and _NO_MORE_TAIL_RE.match(clause, r.m.end - r.clause[0])
    ):
        # "Na 1 juli is aanvragen niet meer mogelijk": applying stops after that day, so the
        # day itself is the last one
        r.role, r.strong, r.positive, r.cue = CLOSE_INCL, True, True, "no-more"
        return
    if (
        adj
        and adj["none"]
        and adj["none"].lower() in ("na", "after")
        and _LATE_RULE_LEAD_RE.search(lead[-70:], 0, len(lead[-70:]) - len(adj.group(0)))
        and _LATE_RULE_TAIL_RE.match(clause, r.m.end - r.clause[0])
    ):
        # "Aanvragen die na 1 juli binnenkomen, worden niet in behandeling genomen": the rule
        # for late ones makes that day the last one that counts
        r.role, r.strong, r.positive, r.cue = CLOSE_INCL, True, True, "late-rule"
        return
    if adj and adj["none"]:  # "na 29 november", "a deadline before 27 May": not a bound
        if adj["spread"]:
            r.cue = "spread"  # the end of the spread is no bound either
        return
    if (
        adj
        and adj["excl"]
        and adj.group(0).rstrip().lower().endswith(" the")
        and _ATTRIBUTIVE_DEADLINE_RE.match(clause, r.m.end - r.clause[0])
    ):  # "prior to the May 13, 2025 deadline": the date names the deadline itself, no shift
        r.role, r.strong, r.cue = CLOSE_INCL, True, "deadline"
        return
    if adj and adj["incl"] and _NOT_UNTIL_RE.search(lead[-60:]):
        # "will not be accepted until 1 March", "likely not until the second quarter of 2021":
        # nothing is possible before that day, so it is the earliest start, no closing
        r.role, r.cue = OPEN, "not-until"
        return
    if adj and _since_stop(adj.group(0), clause, r):
        return  # "sinds mei 2017 uitgeput": when the money ran out, no opening
    if adj and adj["open"] and _per_stop(adj.group(0), lead, clause, r):
        r.role, r.strong, r.positive, r.cue = CLOSE_INCL, True, True, "per"
        return
    if (
        adj
        and adj["open"]
        and adj.group(0).split()[0].lower() in ("vanaf", "from", "as", "met")
        and _CLOSED_FROM_LEAD_RE.search(lead[-100:], 0, len(lead[-100:]) - len(adj.group(0)))
        and not (gap_after is not None and _CONNECTOR_RE.match(gap_after))
    ):
        # "De ronde is gesloten vanaf 20 november 2020, 12.45 uur": closed from that day on,
        # as "Vanaf 1 juli is de regeling gesloten" (the last day is the one before, or the
        # day itself up to the time given); not "gesloten van 1 juli tot …", a blackout
        r.role, r.strong, r.positive, r.cue = CLOSE_EXCL, True, True, "no-more"
        return
    if adj and adj["open"] and _NO_MORE_TAIL_RE.match(clause, r.m.end - r.clause[0]):
        # "Vanaf 2 mei kunt u geen aanvragen meer indienen": the day before is the last one
        r.role, r.strong, r.positive, r.cue = CLOSE_EXCL, True, True, "no-more"
        return
    if adj and adj["open"] and adj.group(0).split()[0].lower() == "van":
        labelled = _CLOSE_LABEL_VAN_RE.search(lead, 0, len(lead) - len(adj.group(0)))
        if labelled:  # "een deadline van 31 maart", "de eerdere sluitingsdatum van 1 juni"
            r.role, r.strong, r.cue = (OLD if labelled["old"] else CLOSE_INCL), True, "van"
            return
    if adj and adj["incl"] and r.m.precision != "day" and adj.group(0)[:5].lower() == "tegen":
        return  # "tegen begin september": a rough aim (often a pre-registration), no deadline
    if (
        adj
        and adj["excl"]
        and (planned := _PLANNED_FOR_LEAD_RE.search(lead[-120:])) is not None
        and not CLOSING_WORDS_RE.search(lead[-120:][: planned.start()].rsplit(".", 1)[-1])
    ):
        # "De eerste openstelling … is voorzien voor medio april 2020": the day an opening is
        # planned for, no "vóór" deadline
        r.role, r.strong, r.cue = OPEN, True, "planned"
        return
    if adj and adj["open"] and _due_per(adj.group(0), lead, clause[r.m.end - r.clause[0] :]):
        # "Voor alle projecten moeten per 16 juni 2014 de projectideeën zijn ingediend": the
        # day by which they must be in, as "uiterlijk op", not the day applying starts
        r.role, r.strong, r.positive, r.cue = CLOSE_INCL, True, True, "due"
        return
    if adj:
        r.role = CLOSE_INCL if adj["incl"] else CLOSE_EXCL if adj["excl"] else OPEN
        r.cue = adj.group(0).split()[0].lower()
        r.strong = any(lb["open"] or lb["close"] for lb in _LABEL_RE.finditer(lead))
        r.amends = bool(_AMEND_RE.search(lead))
        return
    conn = _CONNECTOR_RE.match(gap_after) if gap_after is not None else None
    if conn and not conn["and"]:
        dash = gap_after is not None and _DASH_RE.match(gap_after)
        if dash and _PLURAL_CLOSE_RE.search(label_lead):  # "Deadlines: 13/03 – 03/10"
            r.role, r.strong, r.cue = CLOSE_INCL, True, "deadlines"
            return
        r.role = OPEN
        labels = list(_LABEL_RE.finditer(label_lead[-80:]))
        r.ambiguous = bool(dash and labels and labels[-1]["close"])
        return
    listed = gap_before is not None and _LIST_RE.match(gap_before)
    if listed and prev is not None and prev.role in (OPEN, CLOSE_INCL, CLOSE_EXCL):
        r.role, r.strong = prev.role, prev.strong
        return
    labels = [
        lb
        for lb in _LABEL_RE.finditer(label_lead)
        if not lb["window"] and _is_label(label_lead, lb)
    ]
    after = clause[r.m.end - r.clause[0] :] if r.clause else ""
    # "Op dinsdag 1 september aanstaande start de tweede aanvraagronde": the word that says the
    # day is coming stands between the date and the verb that tells what starts then
    after = _COMING_AFTER_RE.sub("", after, count=1)
    tail = _TAIL_RE.match(after)
    if (
        _SPLIT_OPEN_LEAD_RE.search(lead)
        and (
            _SPLIT_OPEN_TAIL_RE.match(after)
            or _SPLIT_START_TAIL_RE.match(after)
            and _SPLIT_START_LEAD_RE.search(lead)
        )
        or _SPLIT_STELT_LEAD_RE.search(lead)
        and _SPLIT_STELT_TAIL_RE.match(after)
        or _SPLIT_START_TAIL_RE.match(after)
        and _SPLIT_START_BARE_LEAD_RE.search(lead)
        or _SPLIT_START_FINAL_TAIL_RE.match(after)
        and _SPLIT_START_FINAL_LEAD_RE.search(lead)
        or r.m.precision == "day"
        and (
            _OPENED_TAIL_RE.match(after)
            or _ROUND_START_TAIL_RE.match(after)
            or _POSSIBLE_TAIL_RE.match(after)
            or _LAUNCHED_TAIL_RE.match(after)
            or (_PASSIVE_LAUNCH_LEAD_RE.search(lead) and _LAUNCH_WORD_TAIL_RE.match(after))
            or (_LAUNCH_VERB_LEAD_RE.search(lead) and _CALL_OBJECT_TAIL_RE.match(after))
            or (_PERFECT_LAUNCH_LEAD_RE.search(lead) and _PERFECT_LAUNCH_TAIL_RE.match(after))
        )
    ):
        r.role, r.strong = OPEN, True
        r.launch = not (
            _OPENED_TAIL_RE.match(after)
            or _ROUND_START_TAIL_RE.match(after)
            or _POSSIBLE_TAIL_RE.match(after)
        )
    elif r.m.precision == "day" and _REOPEN_TAIL_RE.match(after):
        r.role, r.strong = OPEN, True
    elif r.m.precision == "day" and _due_on(lead, after):
        r.role, r.strong = CLOSE_INCL, True
    elif (first := _date_first_label(lead, after)) is not None:
        r.role, r.strong = (OPEN if first["open"] else CLOSE_INCL), True
    elif labels:
        head = _label_head(label_lead, labels)
        r.role, r.strong = (OPEN if head["open"] else CLOSE_INCL), True
    elif tail:
        r.role, r.strong = (OPEN if tail["open"] else CLOSE_INCL), True
    elif any(_is_label(label_lead, lb) for lb in _LABEL_RE.finditer(label_lead)):
        r.role, r.strong = WINDOW, True


# A deadline said as the day by which an application must be in, with a plain "op" or none:
# "Uw aanvraag moet op 1 november binnen zijn", "Uw aanvraag moet 7 februari 2020 om 17:00 uur
# bij ons binnen zijn", "Aanvragen moeten binnen zijn op 1 november", "Op 1 november moet uw
# aanvraag zijn ingediend" (the day itself counts, like "uiterlijk op").
_DUE_ON_LEAD_RE = re.compile(r"\b(?:moet|moeten|dient|dienen)\b(?:[^.;:\n]{0,60}?\bop)?\s*$", _I)
_IN_ON_LEAD_RE = re.compile(
    r"\b(?:moet|moeten|dient|dienen)\b[^.;:\n]{0,40}?\b(?:binnen|ingediend|ontvangen)\s+"
    r"(?:te\s+)?zijn\s+op\s*$",
    _I,
)
_DUE_IN_RE = (
    r"(?:(?:bij|door)\s+(?:ons|de\s+gemeente|het\s+college)\s+)?(?:binnen\s+(?:te\s+)?zijn"
    r"|(?:zijn\s+)?(?:ingediend|ontvangen)(?:\s+zijn)?|in\s+(?:ons|het)\s+bezit\s+(?:\w+\s+){0,4}?zijn)\b"
)
_DUE_ON_TAIL_RE = re.compile(rf"^[\s,]*{_DUE_IN_RE}", _I)
_DATE_FIRST_DUE_TAIL_RE = re.compile(
    rf"^[\s,]*(?:moet|moeten|dient|dienen)\s+(?:[\w-]+\s+){{0,6}}?{_DUE_IN_RE}", _I
)


# "per" before the day by which something must already be in: "moeten per 16 juni 2014 de
# projectideeën zijn ingediend", "Per 1 juni moeten alle aanvragen binnen zijn". The perfect
# ("zijn ingediend", "binnen zijn") marks a deadline; "Per 1 januari moeten aanvragen digitaal
# worden ingediend" is a rule that starts then.
_DUE_PER_LEAD_RE = re.compile(r"\b(?:moet|moeten|dient|dienen)\b[^.;:\n]{0,60}?$", _I)
_DUE_PER_TAIL_RE = re.compile(
    r"^[\s,]*(?:(?:moet|moeten|dient|dienen)\s+)?(?:[\w'’-]+\s+){0,5}?"
    r"(?:binnen\s+(?:te\s+)?zijn|zijn\s+(?:ingediend|ontvangen|binnengekomen)"
    r"|(?:ingediend|ontvangen)\s+(?:te\s+)?zijn)\b",
    _I,
)


def _due_per(cue: str, lead: str, after: str) -> bool:
    """Say whether a "per" date is the day by which an application must be in."""
    if cue.split()[0].lower() != "per":
        return False
    head = lead.rstrip()
    head = head[: len(head) - len(cue.strip())] if head.endswith(cue.strip()) else head
    modal_before = bool(_DUE_PER_LEAD_RE.search(head[-80:]))
    modal_after = bool(re.match(r"^[\s,]*(?:moet|moeten|dient|dienen)\b", after, _I))
    return (modal_before or modal_after) and bool(_DUE_PER_TAIL_RE.match(after))


def _due_on(lead: str, after: str) -> bool:
    """Say whether the date is the day an application must be in by ("moet op … binnen zijn")."""
    if _IN_ON_LEAD_RE.search(lead[-110:]):
        return True
    if _DUE_ON_LEAD_RE.search(lead[-110:]):
        return bool(_DUE_ON_TAIL_RE.match(after))
    return bool(re.search(r"(?:^|[.:\n])\s*op\s*$", lead, _I)) and bool(
        _DATE_FIRST_DUE_TAIL_RE.match(after)
    )


# A list item that names the stage submitted by its leading date after a colon ("- 12 June 2018:
# concept notes for …", "5 March 2024: full proposals due", "1 May: submission of pre-proposals"):
# a deadline, as "deadline" there would be. Not what is done with them by then ("concept notes
# evaluated", "full proposals invited"): the label must end the stage name or say "due".
_DATE_FIRST_STAGE_RE = re.compile(
    r"(?P<open>(?!))?(?P<close>(?:(?:concept|outline|full|final|first[-\s]stage|second[-\s]stage|stage\s*[12]"
    r"|pre-?)\s*(?:notes?|proposals?|applications?)|pre-?proposals?|expressions?\s+of\s+interest"
    r"|letters?\s+of\s+intent|submission\s+of\b[^\n]{0,60}?)"
    r"(?=\s*(?:due\b|for\b|to\b|\(|,|;|$)|\s*\n)(?![^\n]{0,40}\b(?:evaluat\w*|invited|notif\w*"
    r"|results?|decisions?|assess\w*|selected|published)\b)"
    r"|[^\n:]{0,40}?\bdue\b)",
    _I | re.MULTILINE,
)


_DATE_FIRST_SUBJECT_RE = re.compile(
    r"(?:the\s+|de\s+|het\s+)?(?:call|calls|round|portal|oproep|oproepen|ronde|loket)\s+"
    # the call's full name in a timeline row ("4 March: Call for Applications opens")
    r"(?:(?:for|voor)\s+(?:project\s+)?(?:applications|proposals|projects|projecten)\s+)?"
    r"(?=(?:opens|closes|opent|sluit)\b)",
    _I,
)


def _date_first_label(lead: str, after: str) -> re.Match[str] | None:
    """Return the opening or closing label written after a line's leading date, if any."""
    if not _BULLET_LEAD_RE.match(lead):
        return None
    sep = _DATE_FIRST_TAIL_RE.match(after)
    lb = _LABEL_RE.match(after, sep.end()) if sep else None
    if lb is None and sep is not None:
        # the call named before its verb in a timeline row ("2nd of April 2024 (5.00 pm): call
        # closes", fwo.be "Important dates"; "1 maart: oproep opent")
        subject = _DATE_FIRST_SUBJECT_RE.match(after, sep.end())
        lb = _LABEL_RE.match(after, subject.end()) if subject else None
    if lb is None and sep is not None and ":" in after[: sep.end()]:
        return _DATE_FIRST_STAGE_RE.match(after, sep.end())
    if lb is None or not (lb["open"] or lb["close"]):
        return None
    if lb["open"] and _WORK_START_RE.search(after.split("\n", 1)[0]):
        return None
    return lb


# A change of the rules from a date ("Per 1 januari wordt de regeling aangepast", "zullen de
# subsidieregelingen worden afgestemd op …") opens nothing unless applying is named (guide 3).
_RULE_CHANGE_RE = re.compile(
    r"\b(?:aangepast|gewijzigd|veranderd|afgestemd|herzien|vernieuwd|vereenvoudigd|verhoogd"
    r"|verlaagd|wijzigt|wijzigen|wijziging(?:en)?|verandert|veranderen|amended|changed|revised)\b",
    _I,
)
_SUBMIT_VERB_RE = re.compile(
    r"\b(?:aanvragen|aangevraagd|indienen|ingediend|aanmelden|inschrijven|apply|submit\w*"
    r"|applications?)\b",
    _I,
)
# The next sentence refers back to that date for applying ("Verder is het vanaf dat moment
# mogelijk om aanvragen in te dienen"): then the date does open a window.
_FROM_THEN_RE = re.compile(
    r"\b(?:vanaf|met\s+ingang\s+van|per)\s+(?:dat\s+moment|die\s+datum|die\s+dag|dan)\b"
    r"|\bfrom\s+(?:that\s+(?:date|day|moment)|then\s+on)\b",
    _I,
)


def _rule_change(text: str, r: Role) -> bool:
    """Say whether a "per"/"met ingang van" date only says when the rules change ("Per 1
    januari wordt de regeling aangepast"), with no applying in its sentence or referred back."""
    if r.role != OPEN or r.cue not in ("per", "met", "as"):
        return False
    cs, ce = r.clause
    if not _RULE_CHANGE_RE.search(text, cs, ce) or _SUBMIT_VERB_RE.search(text, cs, ce):
        return False
    nxt = re.search(r"[.\n](?:\s|$)", text[ce + 1 : ce + 300])
    after = text[ce : ce + 1 + nxt.start()] if nxt else text[ce : ce + 300]
    return not (_FROM_THEN_RE.search(after) and _SUBMIT_VERB_RE.search(after))


# A rule from a date on how to submit, not that one can ("Vanaf 1 juli is het voor een
# intermediair enkel mogelijk om een aanvraag in te dienen via een Ketenmachtiging", "Per 1 april
# is indienen uitsluitend mogelijk via het nieuwe e-loket", "From 1 July applications can only be
# submitted through the new portal"): the date opens nothing. Not "alleen" about who may apply
# ("kunnen alleen mkb-ondernemers met een vestiging in Zeeland …").
_CHANNEL_RULE_RE = re.compile(
    r"\b(?:enkel|alleen|uitsluitend|slechts|only|exclusively)\b[^.;:\n]{0,60}?"
    r"\b(?:via|through|using|door\s+middel\s+van|by\s+means\s+of|digitaal|online|elektronisch"
    r"|electronically|per\s+(?:e-?mail|post)|met\s+(?:e-?herkenning|digid|een\s+\w*machtiging))\b",
    _I,
)


# The day a window was announced, told date first with the verb last ("Op 1 maart 2024 heeft de
# Minister … de openstelling van de SDE ++ ronde 2024 aangekondigd", ekwadraat.com; "On 3 May
# the ministry announced the new call"): a publication date (guide 8), even under a heading
# that names the opening. Not "aangekondigd dat … op 1 april opent", nor a day that opens or
# closes before the verb ("Op 1 april opent de regeling, zo heeft de minister aangekondigd").
_ANNOUNCED_LEAD_RE = re.compile(r"(?:^|\b(?:op|on))\s*$", _I)
_ANNOUNCED_TAIL_RE = re.compile(
    r"[\s,]*(?:(?!\b(?:dat|that|open|opent|opens|gaat|start|starts|begint|sluit|closes|loopt"
    r"|runs)\b)[^.;:\n]){0,120}?"
    r"\b(?:aangekondigd|announced)\b",
    _I,
)


# The same day told as an attribute of the call: "opent ZonMw de eind augustus aangekondigde
# subsidieronde" (icthealth.nl), "de op 3 mei gepubliceerde oproep", "de regeling die op 1 juli
# werd bekendgemaakt". Not "de op 1 september opengestelde ronde": that day opens it.
_ATTRIBUTE_LEAD_RE = re.compile(
    r"\b(?:(?P<art>de|het|deze|dit|the|this)|(?P<rel>die|dat|which|that))\s+(?:(?:op|in|on)\s+)?$",
    _I,
)
_ATTRIBUTE_TAIL_RE = re.compile(
    r"\s*(?:aangekondigde|gepubliceerde|bekendgemaakte|gelanceerde|vastgestelde)\b", _I
)
# The whole attribute, whose participle is a decoy word that describes the call, not a date
# beside it.
_ATTRIBUTE_PHRASE_RE = re.compile(
    r"\b(?:de|het|deze|dit)\s+(?:[^\s.;:,]+\s+){1,4}?"
    r"(?:aangekondigde|gepubliceerde|bekendgemaakte|gelanceerde|vastgestelde)\b",
    _I,
)
_ATTRIBUTE_VERB_TAIL_RE = re.compile(
    r"\s*(?:is|werd|was|zijn|werden|has\s+been|was|were)\s+"
    r"(?:aangekondigd|gepubliceerd|bekendgemaakt|gelanceerd|announced|published|launched)\b",
    _I,
)


def _announcement_day(text: str, r: Role) -> bool:
    """Say whether a date is the day a window was announced, not a bound of it."""
    cs, ce = r.clause
    if attr := _ATTRIBUTE_LEAD_RE.search(text, max(cs, r.m.start - 20), r.m.start):
        tail = _ATTRIBUTE_TAIL_RE if attr["art"] else _ATTRIBUTE_VERB_TAIL_RE
        if tail.match(text, r.m.end, ce):
            return True
    if not _ANNOUNCED_LEAD_RE.search(text[cs : r.m.start]):
        return False
    return bool(_ANNOUNCED_TAIL_RE.match(text, r.m.end, ce))


_APPLYING_RE = re.compile(
    r"\b(?:aanvra\w*|indien\w*|in\s+te\s+dienen|ingediend|submi\w*|appl(?:y|ications?))\b", _I
)


def _channel_rule(text: str, r: Role, gap_after: str | None) -> bool:
    """Say whether a "vanaf"/"per" date only says from when applying must go one way ("Vanaf
    1 juli is indienen enkel mogelijk via een Ketenmachtiging").

    Not when a closing day follows it as a range: "kunnen uitsluitend digitaal worden ingediend
    vanaf 15 februari 2024 vanaf 9.00 uur tot-en-met 25 april 2024" (Limburg) names the window
    and only says how to submit within it.
    """
    if r.role != OPEN or r.cue not in ("vanaf", "per", "met", "as", "from"):
        return False
    conn = _CONNECTOR_RE.match(gap_after) if gap_after is not None else None
    if conn and not conn["and"]:
        return False
    cs, ce = r.clause
    return bool(_CHANNEL_RULE_RE.search(text, cs, ce) and _APPLYING_RE.search(text, cs, ce))


_OF_RE = re.compile(r"\s+(?:for|voor|of|van)\b", _I)


# A finite verb between two label words: the earlier one is a subject, not a governing label.
_FINITE_VERB_RE = re.compile(
    r"\b(?:zal|zullen|wordt|worden|werd|werden|is|zijn|was|waren|will|shall|are|were)\b", _I
)
_VERB_LABEL_RE = re.compile(
    r"(?:opengesteld|geopend|opent|opens|opened|gesloten|afgesloten|sluit|sluiten|closes|closed"
    r"|launched|gelanceerd)\b",
    _I,
)


def _label_head(label_lead: str, labels: list[re.Match[str]]) -> re.Match[str]:
    """Return the label word that says what the date is: the last one, unless an earlier label
    word governs it through a preposition in one label ("Deadline for the open call:",
    "Sluitingsdatum voor de openstelling:" close; the later word only names the call)."""
    last = labels[-1]
    for lb in labels[:-1]:
        between = label_lead[lb.end() : last.start()]
        if (
            _OF_RE.match(label_lead, lb.end())
            and len(between) <= 40
            and not any(ch in between for ch in ":.;\n")
            and bool(lb["open"]) != bool(last["open"])
            # a finite verb between makes the earlier word the subject of the later verb: "De
            # deadlines van 2026 zullen pas worden opengesteld op 18 december 2025" opens (an
            # adjective stays a name: "Deadline for the call that is now open: 3 March")
            and not (
                _FINITE_VERB_RE.search(between) and _VERB_LABEL_RE.match(label_lead, last.start())
            )
        ):
            return lb
    return last


# An opening word in the middle of a line above the date, with more words after it, is part of a
# name ("EIC Accelerator Open EIC Accelerator Challenges"), not a label ("Open:", "Het loket
# opent op"). Closing words ("De deadline voor aanvragen is") stay labels anywhere.
_LABEL_TAIL_WORDS = frozenset(
    ("op", "on", "vanaf", "van", "from", "per", "at", "om", "voor", "for", "as", "of", "de",
     "het", "the", "weer", "opnieuw", "again", "date", "datum", "is", "in", "to", "by")
)  # fmt: skip


# A launch of something that is not a call: "Creative Europe's annual work programme, which the
# Commission launched on 26 May" (a programme or its guide made public is a decoy, guide 8).
_OTHER_LAUNCH_LEAD_RE = re.compile(
    r"\b(?:(?:annual\s+)?work\s*programmes?|werkprogramma\w*|programme\s+guide|programmagids"
    r"|strateg(?:y|ie)|websites?|platforms?|campaign|campagne|report|rapport)\b"
    r"(?:(?!\b(?:calls?|oproep\w*|applications?|aanvra\w*|tender)\b)[^.;\n]){0,60}$",
    _I,
)


# A field left empty on its own line ("Aanvraagperiode: -", "Deadline: n.v.t."): a site template
# without a value, so the date in the text below it (an adoption date) is not the field's.
_EMPTY_FIELD_RE = re.compile(r"[ \t]*:[ \t]*(?:[-–—]+|n\.?v\.?t\.?)[ \t]*(?:\n|$)", _I)


def _is_label(label_lead: str, lb: re.Match[str]) -> bool:
    """Say whether a label word found above the date's line stands as a label, not in a name."""
    if _EMPTY_FIELD_RE.match(label_lead, lb.end()):
        return False  # "Aanvraagperiode: -": the field is empty, a date further down is not its
    if (
        lb["open"]
        and lb.group().lower().startswith(("launch", "lancering"))
        and _OTHER_LAUNCH_LEAD_RE.search(label_lead, 0, lb.start())
    ):
        return False
    own_line = label_lead.rfind("\n") + 1
    if lb.start() >= own_line or not lb["open"]:
        return True
    line_start = label_lead.rfind("\n", 0, lb.start()) + 1
    line_end = label_lead.find("\n", lb.end())
    rest = label_lead[lb.end() : line_end].rstrip()
    if not label_lead[line_start : lb.start()].strip(" \t" + "".join(_BULLETS)):
        return True  # the line starts with it
    return rest.endswith((":", "?")) or all(
        w.strip(",.").lower() in _LABEL_TAIL_WORDS for w in rest.split()
    )


def _column_header(text: str, m: Mention, mentions: list[Mention]) -> str:
    """Return the header cell above m in a "|" table ("Openstelling", "Sluiting"), or ""."""
    line_start = text.rfind("\n", 0, m.start) + 1
    column = text.count("|", line_start, m.start)
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if "|" not in text[start:end]:
            return ""
        if not any(start <= x.start < end for x in mentions):
            cells = text[start:end].split("|")
            return cells[column] if column < len(cells) else ""
        end = start - 1
    return ""


def _own_context(text: str, start: int, end: int, m: Mention) -> str:
    """Return the clause around m without asides in brackets that do not contain m."""
    context = text[start:end]
    if "(" not in context:
        return context
    at = m.start - start
    return _PARENS_RE.sub(lambda p: p.group(0) if p.start() <= at < p.end() else " ", context)


# A clause of cause or circumstance after the date has its own subject: "Blijft de sluitingsdatum
# van 31 januari 2024 om 23.59 uur gehandhaafd nu de startbijeenkomst is verplaatst?", "… stays
# 1 March because the info session moved". Its decoy words are about that subject, not the date.
_CAUSE_CLAUSE_RE = re.compile(
    r"\b(?:nu|omdat|aangezien|doordat|now\s+that|because|since)\s+(?:de|het|een|onze|uw|the|a|an"
    r"|our|your)\b",
    _I,
)

# The scheme's own term told in a second clause after the date ("Het loket wordt op 1 september
# opengesteld en kent een looptijd van een jaar", "opens on 1 May and has a term of two years"):
# that term is the scheme's, it does not make the opening date a decoy.
_TERM_TAIL_RE = re.compile(
    r"[\s,]+(?:en|and)\s+(?:kent|heeft|krijgt|has)\s+(?:een|a)\s+(?:\w+\s+)?"
    r"(?:looptijd|term|duration)\b",
    _I,
)


# A second predicate that opens the scheme for applications from the date, after "en": "De
# regeling treedt in werking op en wordt opengesteld voor aanvragen vanaf 4 augustus 2020". The
# decoy words of the first predicate (entry into force) are about the regulation, not the date.
_OWN_OPENING_LEAD_RE = re.compile(
    r"\b(?:en|and)\s+(?:wordt|worden|is|zijn|will\s+be|is\s+being)\s+(?:\w+\s+){0,2}?"
    r"(?:opengesteld|opened)\s+(?:voor|for)\s+(?:\w+\s+){0,2}?(?:aanvragen|aanvraag|applications?)"
    r"\s+(?:vanaf|per|met\s+ingang\s+van|from|as\s+of)\s*$",
    _I,
)


# A fronted qualifier that says which projects the deadline is for, then the main verb ("Voor
# projecten die starten in januari moeten de subsidieaanvragen uiterlijk op 15 november …",
# vgc.be): its decoy words ("die starten") describe the projects, not the date after it.
_FRONTED_PROJECTS_RE = re.compile(
    r"\b(?:voor|for)\s+(?:de\s+|het\s+|alle\s+|all\s+|the\s+)?\w*?(?:projecten|project"
    r"|activiteiten|activiteit|initiatieven|evenementen|projects|activities|events)\s+"
    r"(?:die|dat|that|which)\b[^.;:\n\d]{0,80}?\s(?:moeten|moet|dient|dienen|kunnen|kan|must"
    r"|should|can)\b",
    _I,
)
# A relative clause set off by commas between the subject and the date ("De regeling, die geldt
# voor de programmaperiode van 2021 tot 2027, wordt vanaf 12 september open gesteld") says what
# the subject is: a decoy word inside it governs no date after it.
_RELATIVE_ASIDE_RE = re.compile(
    r",\s*(?:die|dat|welke|which|that)\b[^,.;:\n\d]{0,100}?(?:\b(?:19|20)\d\d\b[^,.;:\n\d]{0,20}?)*,",
    _I,
)


def _governed(
    text: str,
    m: Mention,
    cs: int,
    ce: int,
    lead_start: int,
    nxt: Mention | None,
    decoys: WordHits,
) -> bool:
    """Say whether a decoy cue governs m: in its own lead, or right after it.

    A decoy word governs the date it stands next to, not every date in the sentence: the
    lead runs back to the previous date of the clause, the tail up to the next one.
    """
    start = max(lead_start, cs, m.start - _NEAR_BEFORE)
    end = min(ce, m.end + _NEAR_AFTER)
    if decoys.may_match(start, m.start) and (
        own := _OWN_OPENING_LEAD_RE.search(text, max(start, m.start - 120), m.start)
    ):
        start = own.start()
    if decoys.may_match(start, m.start):
        for rel in _RELATIVE_ASIDE_RE.finditer(text, start, m.start):
            start = rel.end()  # its decoy describes the subject, not this date
        for fronted in _FRONTED_PROJECTS_RE.finditer(text, start, m.start):
            start = fronted.end()  # "Voor projecten die starten in januari moeten …"
        for named in _ATTRIBUTE_PHRASE_RE.finditer(text, start, m.start):
            start = named.end()  # "De in juli gepubliceerde regeling opent op …"
    if nxt is not None and nxt.start < end:
        adj = _ADJACENT_RE.search(text, max(m.end, nxt.start - 60), nxt.start)
        if adj and not adj["none"]:  # decoy words after "vanaf 1 juli" are that date's
            end = nxt.start
            aside = text.rfind("(", m.end, end)
            if aside >= 0 and ")" not in text[aside:end]:
                end = aside  # "(preadvies vóór 10 mei)" is about the next date
        # after a comma the words lead up to the next date: "… and ending on 31/12/2025,
        # results published on 31/01/2026" (that decoy governs the next date, not this one)
        comma = text.find(",", m.end, nxt.start)
        if 0 <= comma < end and "," not in text[comma + 1 : nxt.start]:
            end = comma
    if _FOR_PROJECTS_RE.match(text, m.end, end):
        end = m.end
    if decoys.may_match(m.end, end) and (attr := _ATTRIBUTE_PHRASE_RE.search(text, m.end, end)):
        end = attr.start()  # "Op 16 september opent de in juli gepubliceerde regeling"
    if decoys.may_match(m.end, end) and (cause := _CAUSE_CLAUSE_RE.search(text, m.end, end)):
        end = cause.start()
    if decoys.may_match(m.end, end) and (term := _TERM_TAIL_RE.search(text, m.end, end)):
        end = term.start()
    context = _own_context(text, start, end, m)
    low_context = context.lower()
    if ("bevestiging" in low_context or "receipt" in low_context) and _RECEIPT_RE.search(context):
        return True
    if _decision_notice(low_context, context):
        return True
    if not decoys.may_match(start, end):
        return False
    if not _decoy_in(context):
        return False
    content = _DECISION_CONTENT_RE.search(context)
    if content is None or content.end() > m.start - start:
        return True
    # the decision lays down what follows ("In voornoemd besluit is bepaald dat een aanvraag …
    # kan worden ingediend met ingang van …", "Met dit besluit wordt de laatste indieningsdatum
    # vervroegd naar …"): only a decoy after that still governs the date
    return _decoy_in(context[content.end() :])


# A payment word that names the benefit applied for, not a payout: "De extra betaling jonge
# landbouwers kan worden aangevraagd van 1 maart …", "the additional payment for young farmers".
_NAMED_PAYMENT_LEAD_RE = re.compile(
    r"(?:\b(?:extra|aanvullende|additional|complementary|top-?up|basic|greening|redistributive)"
    r"\s+|(?:basis|vergroenings|herverdelings))$",
    _I,
)


# A decision named as the condition the date hangs on ("Onder voorbehoud van definitieve
# besluitvorming opent de provincie … op 11 mei 2021 om 9.00 uur", "subject to the final decision
# the call opens on …"): a hedge about the opening, not a decision date.
_HEDGE_LEAD_RE = re.compile(
    r"\b(?:(?:onder\s+)?voorbehoud\s+van|subject\s+to)\s+(?:de\s+|het\s+|the\s+)?(?:\w+\s+)?$",
    _I,
)
# ... unless the hedge dates the decision itself ("voorbehoud van besluitvorming op 19 april").
_DATED_DECISION_RE = re.compile(r"\w*\s+(?:op|van|on|of)\s+\d", _I)


# An evaluation word inside a programme's name: right after "programma"/"programme" ("het
# programma Zorgevaluatie en Gepast Gebruik") or before it ("the Care Evaluation and Appropriate
# Use (ZE&GG) research programme"); not "the evaluation of the programme".
_PROGRAMME_LEAD_RE = re.compile(r"\bprogram(?:ma|me)?\s+(?:[\w&()-]+\s+)?$", _I)
_PROGRAMME_TAIL_RE = re.compile(r"\w*(?!\s+(?:of|van)\b)[^.;\n]{0,60}?\bprogram(?:ma|me)?\b", _I)


def _in_name(context: str, start: int, end: int) -> bool:
    """Say whether the evaluation word at start..end is part of a programme's name, not an
    evaluation that a date is for."""
    begin = start
    while begin > 0 and context[begin - 1].isalpha():
        begin -= 1
    return bool(
        _PROGRAMME_LEAD_RE.search(context, max(0, begin - 40), begin)
        or _PROGRAMME_TAIL_RE.match(context, end)
    )


def _decoy_in(context: str) -> bool:
    """Say whether a decoy word in the context is about the date, skipping payment words that
    are the name of the benefit applied for, a decision named only as a hedge and an evaluation
    word inside a programme's name."""
    pos = 0
    while (mt := _NEGATIVE_RE.search(context, pos)) is not None:
        word = mt.group(0).lower()
        lead = context[max(0, mt.start() - 40) : mt.start()]
        if (
            not (
                word in ("betaling", "payment")
                and _NAMED_PAYMENT_LEAD_RE.search(context, max(0, mt.start() - 20), mt.start())
            )
            and not (
                word.startswith(("besluit", "beslis", "decision"))
                and _HEDGE_LEAD_RE.search(lead)
                and not _DATED_DECISION_RE.match(context, mt.end())
            )
            and not (word.startswith("evaluat") and _in_name(context, mt.start(), mt.end()))
        ):
            return True
        pos = mt.end()
    return False


# Applicants told by a date whether they get the grant: a decision date, no deadline ("Aanvragers
# horen uiterlijk 3 december of ze al dan niet subsidie ontvangen", "applicants will be notified
# by 1 March whether their proposal is funded").
# The date may carry a long tail before "of": "U hoort uiterlijk 31 december van het jaar dat u
# de aanvraag hebt gedaan, of u de subsidie krijgt".
_DECISION_NOTICE_RE = re.compile(
    r"\b(?:horen|hoort|vernemen|verneemt)\b[^.;\n]{0,100}?"
    r"\bof\s+(?:ze|zij|u|uw|je|jij|jouw|hij|het|hun|de)\b"
    r"|\b(?:notified|informed|told|hear)\b[^.;\n]{0,100}?\bwhether\b"
    # the funder makes the outcome known by a date: "uiterlijk 1 september maakt de Rijksdienst
    # bekend of de subsidies zijn toegekend", "the programme announces by 1 May whether …"
    r"|\b(?:maakt|maken)\b[^.;\n]{0,80}?\bbekend\s+(?:of|welke|wie)\b"
    r"|\bannounce[sd]?\b[^.;\n]{0,80}?\b(?:whether|which)\b"
    # the applicant is sent word by a date: "ontvangt u zo snel mogelijk, maar uiterlijk 13-3-2020
    # bericht van de provincie", "Wie heeft aangevraagd, krijgt uiterlijk 1 juni bericht"
    # (plural and with "vóór": "Alle aanvragen krijgen vóór 1 juli bericht of hun plan is
    # goedgekeurd")
    # (or an answer: "dan krijgen zij voor 1 december een reactie van het Fonds")
    r"|\b(?:ontvangt|krijgt|ontvangen|krijgen)\b[^.;\n]{0,40}?\b(?:uiterlijk|vóór|voor)\s"
    r"[^.;\n]{0,30}?\b(?:bericht|reactie|antwoord)\b"
    # the funder aims to tell applicants by a date: "We streven ernaar je voor 30 juni te
    # berichten of je aanvraag is gehonoreerd"
    r"|\bte\s+(?:berichten|informeren|laten\s+weten)\s+of\b",
    _I,
)


def _decision_notice(low_context: str, context: str) -> bool:
    """Say whether the clause around a date tells when applicants hear the decision."""
    if not any(w in low_context for w in ("hore", "hoort", "verne", "notified", "informed",
                                          "told", "hear", "bericht", "bekend of", "bekend welke",
                                          "bekend wie", "announce", "reactie", "antwoord",
                                          "informeren", "laten weten")):  # fmt: skip
        return False
    return bool(_DECISION_NOTICE_RE.search(context))


# An event the funded activities take place in, its days in brackets after it ("activiteiten
# tijdens de Sportwike eind september (16 tot en met 25 september)", "during the European Week of
# Sport (23-30 September)"): an event period, not a window (guide 8). Read from the clause start,
# since a vague date ("eind september") may stand between; not "tijdens de aanvraagperiode (1 t/m
# 30 september)".
_EVENT_BRACKET_LEAD_RE = re.compile(
    r"\b(?:tijdens|during)\s+(?:de|het|the)\s+(?:(?!aanvra|indien|openstel|tijdvak|ronde|round"
    r"|call|applica|submission|oproep|period|termijn)[^.;\n()]){1,60}\(\s*"
    r"(?:\d{1,2}\s*(?:tot\s+en\s+met|t/m|tot|to|until|-|–|—)\s*)?$",
    _I,
)


def _event_bracket(text: str, cs: int, m: Mention) -> bool:
    """Say whether m is a day in brackets after an event named with "tijdens"/"during"."""
    if "(" not in text[max(cs, m.start - 20) : m.start]:
        return False
    return bool(_EVENT_BRACKET_LEAD_RE.search(text, max(cs, m.start - 120), m.start))


# A phase's running time in brackets, its start day inside ("Phase 1 (duration: max. 5 months –
# 10 x € 10,000. Start date: 10 June 2024)", "(duur max. 6 maanden – … Startdatum: 1 januari
# 2024)"): the project's start (guide 8), even past the full stop of an amount inside.
_DURATION_BRACKET_LEAD_RE = re.compile(r"\(\s*(?:duration|duur|looptijd|term)\b[^()\n]{0,100}$", _I)


def _duration_bracket(text: str, m: Mention) -> bool:
    """Say whether m stands inside brackets that give a phase's or project's duration."""
    return bool(_DURATION_BRACKET_LEAD_RE.search(text, max(0, m.start - 110), m.start))


# A closing label and a colon right before the date ("UITERSTE INDIENINGSDATUM: 27 september"):
# the label, not a decree date earlier in the same unbroken run of text, says what it is.
_COLON_CLOSE_LABEL_RE = re.compile(
    r"\b(?:uiterste\s+\w*datum|\w*indieningsdatum|\w*indiendatum|deadline|sluitingsdatum"
    r"|einddatum|closing\s+date|inleverdatum)\s*:\s*$",
    _I,
)


def _colon_close_label(lead: str) -> bool:
    """Say whether the date follows its own closing label and a colon."""
    return bool(_COLON_CLOSE_LABEL_RE.search(lead[-50:]))


# A clause whose subject is a pronoun for the applications of the sentence before: "Vanaf 1 april
# staan de regelingen open voor aanvragen. Die zijn mogelijk tot 2 juni", "Dat kan nog tot 1 mei",
# "They can be submitted until 30 June".
# Also in the past tense ("Dit was mogelijk tot en met 15 maart", "Dat kon tot 1 juli") and
# with the pronoun after the verb behind a fronted phrase ("Voor het jaar 2024 kon dit tot 1 juli
# 2023", "Tot 1 mei kan dat nog"), and as a condition ("Als zij dat voor 22 januari doen").
_PRONOUN_SUBJECT_RE = re.compile(
    r"\s*(?:die|deze|dit|dat|ze|zij|they|these|this|it)\s+(?:(?:zijn|is|blijven|blijft|waren|was"
    r"|are|remain|remains|were)\s+(?:nog\s+|still\s+)?(?:mogelijk|possible|open)\b"
    r"|(?:kan|kunnen|kon|konden|can|could)\b)"
    r"|[^.;:\n]{0,40}?\b(?:kan|kon|kunnen|konden)\s+(?:dit|dat)\b"
    # the pronoun after a fronted date: "Vanaf 1 januari 2020 is dit wel weer mogelijk"
    r"|[^.;:\n]{0,40}?\b(?:is|wordt)\s+(?:dit|dat)\s+(?:(?:wel|ook|pas|weer|opnieuw)\s+){0,3}"
    r"mogelijk\b"
    # a condition that does what the sentence before named: "Als zij dat voor 22 januari doen"
    r"|\s*(?:als|indien|wanneer)\s+(?:\w+\s+){0,2}?(?:dat|dit)\b[^.;:\n]{0,60}?\bdoe[nt]?\b"
    # the imperative: "Organisaties vragen steeds voor drie jaar subsidie aan. Doe dat voor
    # 1 november" (a municipal subsidy overview), "Apply online. Do so by 1 May"
    r"|\s*(?:doe|do)\s+(?:dat|dit|so|this)\b",
    _I,
)


def _pronoun_for_applying(text: str, before: tuple[int, int, bool], cs: int) -> bool:
    """Say whether the clause at cs starts with a pronoun whose antecedent, in the sentence just
    before, is about applying."""
    ps, pe, _ = before
    # a question counts too: "Ook een subsidie aanvragen …? Dat kan tegen uiterlijk 15 november"
    if text[pe : pe + 1] not in (".", "?") or not _PRONOUN_SUBJECT_RE.match(text, cs):
        return False
    return bool(_POSITIVE_RE.search(text, ps, pe))


# A pronoun for the deadline named in the sentence before, moved to a new day: "Een andere
# wijziging heeft betrekking op de deadline. Deze is vervroegd naar 16 december 2019", "The
# closing date has changed. It has been extended to 30 June". The new day is the closing.
_DEADLINE_NOUN_RE = re.compile(
    r"\bdeadline|sluitingsdatum|einddatum|uiterste\s+(?:in)?dien\w*datum|indieningstermijn"
    r"|\bclosing\s+date|submission\s+date",
    _I,
)
_PRONOUN_MOVED_RE = re.compile(
    r"\s*(?:die|deze|dit|dat|het|it|this)\s+(?:is|wordt|werd|was|has\s+been|is\s+being)\s+"
    r"(?:\w+\s+){0,2}?(?:verlengd|verschoven|verplaatst|uitgesteld|vervroegd|extended|postponed"
    r"|moved|brought\s+forward)\s+(?:naar|tot\s+en\s+met|to)\s*$",
    _I,
)


def _pronoun_deadline_moved(text: str, before: tuple[int, int, bool], cs: int, pos: int) -> bool:
    """Say whether the clause at cs moves, by a pronoun, the deadline of the sentence before."""
    ps, pe, _ = before
    if text[pe : pe + 1] not in (".", "!") or not _DEADLINE_NOUN_RE.search(text, ps, pe):
        return False
    return bool(_PRONOUN_MOVED_RE.fullmatch(text, cs, pos))


# The next of the deadlines named in the sentence before, the noun left out: "Voor 2015 zijn er
# vijf deadlines. De eerstvolgende is op 15 mei." The day is a closing.
_NEXT_ONE_RE = re.compile(
    r"\s*(?:de|het)\s+(?:eerst)?volgende\s+(?:is|valt)\s+(?:op\s+)?"
    r"|\s*the\s+next\s+(?:one\s+)?is\s+(?:on\s+)?",
    _I,
)


# A pronoun that takes up the aftercare of the sentence before: "Het bestuur verantwoordt voor alle
# scholen die subsidie hebben gekregen. Dit kan van 1 februari t/m 28 februari 2022." The span is
# for accounting or reporting, not for applying (guide 8).
_PRONOUN_CAN_RE = re.compile(r"\s*(?:dit|dat)\s+(?:kan|kunt|kunnen|is\s+mogelijk)\b", _I)
_AFTERCARE_VERB_RE = re.compile(
    r"\bverantwoord(?:en|t|ing)\b|\bvaststell\w*|\brapporte(?:ren|ert)\b|\bverslag\w*"
    r"|\bdeclar(?:eren|eert|atie)\b|\beindafrekening",
    _I,
)


def _aftercare_pronoun(text: str, before: tuple[int, int, bool], cs: int) -> bool:
    """Say whether the clause at cs starts with "Dit kan" about the aftercare of the sentence
    before."""
    ps, pe, _ = before
    if text[pe : pe + 1] not in (".", "!") or not _PRONOUN_CAN_RE.match(text, cs):
        return False
    return bool(_AFTERCARE_VERB_RE.search(text, ps, pe))


def _next_of_named_deadlines(text: str, before: tuple[int, int, bool], cs: int, pos: int) -> bool:
    """Say whether the clause at cs names the next of the deadlines of the sentence before."""
    ps, pe, _ = before
    if text[pe : pe + 1] not in (".", "!") or not _DEADLINE_NOUN_RE.search(text, ps, pe):
        return False
    return bool(_NEXT_ONE_RE.fullmatch(text, cs, pos))


# A later sentence that takes the date up as the start of applying: "Vanaf 1 juni aanstaande heeft
# het bestuur 20 miljoen euro beschikbaar gesteld … Vanaf die datum gaat het loket open".
_FROM_THAT_DATE_RE = re.compile(
    r"(?:^|(?<=[.!?\n]))[\s\[\]…]*(?:vanaf|per|met\s+ingang\s+van)\s+(?:die|deze)\s+datum\b"
    r"|(?:^|(?<=[.!?\n]))[\s\[\]…]*from\s+(?:that|this)\s+date\b",
    _I | re.MULTILINE,
)


def _taken_up_later(text: str, end: int, limit: int) -> bool:
    """Say whether a sentence after the date (before any other date, within a few lines)
    refers back to it with "vanaf die datum" and is about applying."""
    mt = _FROM_THAT_DATE_RE.search(text, end, min(limit, end + 400))
    if mt is None:
        return False
    stop = text.find(".", mt.end())
    return bool(_POSITIVE_RE.search(text, mt.end(), stop if stop >= 0 else len(text)))


# "…, en ten laatste op 15 september": a list word before the repeated cue.
_AND_CUE_RE = re.compile(r"(?:,|\ben\b|\band\b|\bof\b|\bor\b)[^,;]{0,30}$", _I)


def _repeated_deadline(roles: list[Role], r: Role, lead: str) -> bool:
    """Say whether r repeats the cue of a deadline earlier in its clause, joined by a list word:
    "dien je in ten laatste op 15 maart voor projecten die starten vanaf 1 juli …, en ten laatste
    op 15 september voor projecten die …" lists two yearly deadlines (guide 4.2); the project
    start between them is a decoy, the second deadline is not."""
    if not r.cue or not _AND_CUE_RE.search(lead):
        return False
    return any(
        x.clause == r.clause
        and x.role in (CLOSE_INCL, CLOSE_EXCL)
        and not x.negative
        and x.cue == r.cue
        for x in roles
    )


_DEADLINE_NOUN = r"(?:deadline|closing\s+date|sluitingsdatum|indien(?:ings)?datum|einddatum)"
_APPLICATIONS = (
    r"(?:(?:grant\s+|subsidie)?aanvra\w*|(?:grant\s+)?applications?|proposals?|voorstel\w*)"
)
# The deadline of the applications named right before the date, in apposition: "geldig tot en
# met de sluitingsdatum van de uitgewerkte aanvragen, 28 maart 2017".
_DEADLINE_OF_APPLICATIONS_RE = re.compile(
    rf"\b{_DEADLINE_NOUN}\s+(?:van|of|for)\s+(?:de\s+|het\s+|the\s+)?(?:\w+\s+){{0,2}}?"
    rf"{_APPLICATIONS}\s*[,:]?\s*$",
    _I,
)


def _named_deadline(lead: str) -> bool:
    """Say whether the words right before the date name it as the applications' deadline; a
    decoy word earlier in the clause ("geldig tot en met …") then does not govern it."""
    tail = lead[-120:]
    low = tail.lower()
    if "datum" not in low and "deadline" not in low and "closing" not in low:
        return False  # a cheap gate: most leads name no deadline (throughput)
    return bool(_DEADLINE_OF_APPLICATIONS_RE.search(tail))


# A numbered item ("1. uiterlijk op 15 maart, …", "2) …") is a list line like a bulleted one
# (sport.vlaanderen "Er zijn twee vaste indiendata:" above two numbered deadlines).
_NUMBERED_ITEM_RE = re.compile(r"\d{1,2}[.)][ \t]")


def _list_item(text: str, start: int) -> bool:
    """Say whether the line at start is a bulleted or numbered list item."""
    return text.startswith(_BULLETS, start) or _NUMBERED_ITEM_RE.match(text, start) is not None


def _list_heading(text: str, pos: int) -> str:
    """Return the heading ending in ":" above a list line ("Er gelden twee indiendata:")."""
    start = text.rfind("\n", 0, pos) + 1
    if not _list_item(text, start):
        return ""
    while start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        line = text[prev : start - 1]
        if not _list_item(text, prev):
            return line if line.rstrip().endswith(":") else ""
        start = prev
    return ""


# A bulleted "<kind>: <date>" line under a paragraph that announces deadlines without a colon
# ("Different deadlines were set accordingly to the application type. […]\n • Small-scale
# project applications: 7 March 2022", an Interreg call archive): each item is a deadline.
_ITEM_LABEL_RE = re.compile(r"[\s•·▪*-]*[^:\n]{1,80}:[ \t]*$")
_DEADLINES_INTRO_RE = re.compile(
    r"\b(?:deadlines|indiendata|sluitingsdata|indieningsdata|cut-?off\s+dates)\b", _I
)


def _deadline_list_item(text: str, m: Mention) -> bool:
    """Say whether a date ends a list item whose list follows a deadlines paragraph."""
    start = text.rfind("\n", 0, m.start) + 1
    if not _list_item(text, start) or not _ITEM_LABEL_RE.fullmatch(text, start, m.start):
        return False
    if _OPENING_WORDS_RE.search(text, start, m.start) or _list_heading(text, m.start):
        return False  # a heading ending in ":" is read as the list's own label
    while start > 0 and _list_item(text, text.rfind("\n", 0, start - 1) + 1):
        start = text.rfind("\n", 0, start - 1) + 1  # the first item of the list
    return bool(_DEADLINES_INTRO_RE.search(text, max(0, start - 300), start))


# A date first, then an active "you can apply" clause: "Op maandag 3 juli, om 10:00 kun jij
# weer proberen STAP-budget aan te vragen", "Op 2 september kunt u uw aanvraag indienen". The
# passive form ("kunnen … worden ingediend") is in _TAIL_RE; this active form has a subject
# pronoun or noun between the modal and the verb, so the date opens the window. A negation
# ("kunt u niet meer aanvragen") or a condition ("Als u op 4 maart … bent ingeschreven, kunt u
# aanvragen") leaves the date alone.
_ON_DATE_LEAD_RE = re.compile(r"(?:^|[\s(])(?:op|on)\s*$", _I)
_CONDITION_IN_LEAD_RE = re.compile(r"\b(?:als|indien|wanneer|zodra|if|when)\b", _I)
_ACTIVE_APPLY_TAIL_RE = re.compile(
    r"^[\s,]*(?:kun|kunt|kan|kunnen)\s+(?:(?!niet\b|geen\b)[\w-]+\s+){0,6}?"
    r"(?:aanvragen|aan\s+te\s+vragen|indienen|in\s+te\s+dienen)\b",
    _I,
)


# The English future of an opening after "On <date>,": "On 17 April, the third call of the
# Interreg North Sea Region programme will open". The subject must name a call or round and
# the verb be its own (no "that"/"which" clause, no negation): "On 17 April, the results of the
# call that opens in May are presented" opens nothing that day.
_WILL_OPEN_TAIL_RE = re.compile(
    r"^\s*,?\s*(?:(?!\b(?:not|no|never|that|which|who|results?|decisions?)\b)[^.\n;?]){0,40}?"
    r"\b(?:calls?|rounds?|windows?|portal|scheme|programme|application\s+period)\b"
    r"(?:(?!\b(?:not|no|never|that|which|who)\b)[^.\n;?]){0,80}?"
    r"\b(?:will\s+(?:open|be\s+opened|be\s+launched|launch)|opens)\b",
    _I,
)


# The same with the verb before the day: "Aanvragen kunnen worden ingediend op donderdag 9 mei
# 2019", "U kunt uw aanvraag indienen op 2 september": applying is possible from that day (a
# first-come round), so the date opens the window. Not negated, and no deadline word between
# ("kunnen uiterlijk op 1 mei worden ingediend" is a closing, found elsewhere).
_APPLY_ON_LEAD_RE = re.compile(
    r"\b(?:kun|kunt|kan|kunnen)\s+(?:(?!(?:niet|geen|uiterlijk|tot|voor|vóór|alleen|pas)\b)"
    r"[\w-]+\s+){0,6}?(?:(?:worden\s+)?(?:ingediend|aangevraagd)|aanvragen|indienen)\s+op\s*$",
    _I,
)


def _active_apply_after(text: str, lead: str, end: int, tail_end: int) -> bool:
    """True when "Op <date>" is followed by an active, unnegated "kunt u … aanvragen", or "On
    <date>," by a call that "will open"."""
    if not _ON_DATE_LEAD_RE.search(lead) or _CONDITION_IN_LEAD_RE.search(lead):
        return False
    tail = text[end:tail_end]
    return _ACTIVE_APPLY_TAIL_RE.match(tail) is not None or (
        _WILL_OPEN_TAIL_RE.match(tail) is not None
    )


# An opening put off to a later day: "besloten om de eerste openstelling … uit te stellen tot
# september 2022", "De openstelling is uitgesteld tot 1 oktober". The date after "tot" is when
# applying starts, not the last day of a window; a postponed deadline ("De deadline … is
# uitgesteld tot 1 oktober") has a closing word in its clause and stays a closing.
_POSTPONED_TO_RE = re.compile(
    r"\b(?:uit\s+te\s+stellen|uitgesteld|uitstellen|verschoven|verplaatst|postponed|moved)"
    r"\s+(?:tot|naar|to|until)\s*$",
    _I,
)


# CLOSING_WORDS_RE finds "sluit" inside "besluit", which a postponement usually comes with
# ("het besluit genomen om de openstelling uit te stellen tot …").
_POSTPONED_CLOSING_RE = re.compile(r"deadline|(?<!be)sluit|einddatum|closing|\bclos", _I)


def _postponed_opening(clause_lead: str) -> bool:
    """True when the words before a date put off an opening (not a deadline) to that date."""
    return bool(
        _POSTPONED_TO_RE.search(clause_lead[-60:])
        and _OPENING_WORDS_RE.search(clause_lead)
        and not _POSTPONED_CLOSING_RE.search(clause_lead)
    )


# A deadline calendar that puts a date and "Deadline" on one line and says on the line below
# what is due: "15/05/2022 Deadline: tijdvak 3\nLaatste herstelmogelijkheid afgekeurde dossiers",
# "01/10/2022 Deadline: tijdvak 4\nCompleet en definitief indienen van alle registraties".
# Repairing rejected files and registering what was done are aftercare (guide 8), not applying.
_AFTERCARE_LINE_RE = re.compile(
    r"\bherstel\w*|\bafgekeurde\b|\bregistraties\b|\bverantwoording\w*|\bvaststelling\w*"
    r"|\brapportage\w*|\beindverslag\w*|\bdeclarati\w*",
    _I,
)


# A cut-off that only improves the odds, not a last day: "Subsidieaanvragen die voor 1 september
# binnen zijn, maken een grotere kans op het uitkeren van het gevraagde bedrag. Aanvragen die na
# 1 september binnen komen, worden wel in behandeling genomen" (langedijkerdagblad.nl), "Het
# advies is om een subsidie aan te vragen voor 1 oktober om meer kans te maken". Later
# applications still count, so the day bounds no window (guide 3 needs a last day).
_BETTER_CHANCE_RE = re.compile(
    r"\b(?:grotere|meer|meeste|betere)\s+kans\b|\bworden\s+(?:ook\s+)?wel\s+in\s+behandeling"
    r"\s+genomen\b|\b(?:better|greater|higher)\s+chance\b",
    _I,
)


def _better_chance(text: str, m: Mention) -> bool:
    """Say whether the date's sentence says that applying before it only raises the chance."""
    dot = text.rfind(". ", 0, m.start)
    left = max(text.rfind("\n", 0, m.start) + 1, dot + 2 if dot >= 0 else 0)
    stops = [i for i in (text.find("\n", m.end), text.find(". ", m.end)) if i >= 0]
    return bool(_BETTER_CHANCE_RE.search(text, left, min(stops, default=len(text))))


def _described_as_aftercare(text: str, m: Mention, lead: str) -> bool:
    """Say whether a date-first deadline line is described, on the line below, as aftercare."""
    if not _BULLET_LEAD_RE.match(lead):
        return False
    line_end = text.find("\n", m.end)
    if line_end < 0 or _LABEL_RE.search(text, m.end, line_end) is None:
        return False
    below_end = text.find("\n", line_end + 1)
    below = text[line_end + 1 : len(text) if below_end < 0 else below_end]
    return (
        len(below) < 160
        and not any(c.isdigit() for c in below[:12])
        and bool(_AFTERCARE_LINE_RE.search(below))
    )


# A condition on the funded thing, written right before its date: when the training must have
# started or ended ("de opleiding is gestart in de periode van 1 januari 2022 tot en met …",
# "opleidingen die zijn gestart tussen …", "waarvan de einddatum van de opleiding op of voor 3
# april 2022 ligt"), when the invoice must be dated ("De factuurdatum moet liggen in de periode
# van …"), or the day a scheme stops ("besloten met deze subsidie te stoppen per 01-01-2021").
# Only the date it leads up to is ruled out: a deadline in the same sentence keeps its role.
_CONDITION_DATE_LEAD_RE = re.compile(
    r"(?:\b(?:opleiding|scholing|training|traject|cursus|studie)\w*\s+(?:[\w-]+\s+){0,6}?"
    r"(?:gestart|begonnen)\s+(?:(?:is|zijn)\s+)?(?:in\s+de\s+periode\s+)?"
    r"(?:van|vanaf|tussen|na|op|voor|vóór)?"
    r"|\beinddatum\s+van\s+(?:de|het|een|uw|je)\s+(?:opleiding|training|cursus|scholing|traject)\b"
    r"[^.;\n]{0,60}?"
    r"|\bfactuurdatum\s+(?:moet|moeten|dient|ligt|liggen|valt|is)\b[^.;\n]{0,30}?"
    r"|\bstoppen\s+(?:per|met\s+ingang\s+van)"
    # the start the training or project must make, the modal before the date: "Het project mag
    # maximaal twee jaar duren en moet starten tussen 1 juli 2020 en …" (guide 8: start dates)
    r"|\b\w*(?:project|opleiding|scholing|training|traject|cursus|studie)\w*\s+(?:[\w-]+\s+){0,8}?"
    r"(?:moet|moeten|mag|mogen|dient|dienen)\s+(?:\w+\s+){0,2}?(?:starten|beginnen|aanvangen"
    r"|van\s+start\s+gaan)\s+(?:tussen|na|vanaf|op|voor|vóór|uiterlijk|per"
    r"|niet\s+(?:eerder|later)\s+dan)?)\s*$",
    _I,
)
# ... or right after it: "kunnen ze vanaf 1 januari 2021 starten aan een externe training".
_TRAINING_START_TAIL_RE = re.compile(
    r"\s*,?\s*(?:\w+\s+)?starten\s+(?:aan|met)\s+(?:een|de|het|hun|uw|je)\s+(?:[\w-]+\s+)?"
    r"(?:training|opleiding|cursus|scholing|traject)",
    _I,
)
# ... or with the participle after it: "de opleidingen en trainingen uiterlijk 30 april 2018
# moeten zijn gestart", "niet eerder dan 28 februari 2025 zijn ingekocht of gestart", "moeten
# tussen 1 mei en 31 december 2018 met hun opleiding of training zijn gestart". Not when the
# application is the other participle ("scholingstrajecten die vòòr 1 april '22 zijn aangevraagd
# en gestart", an OOM notice): the day is then also the application deadline.
_STARTED_TAIL_RE = re.compile(
    r"\s*,?\s*(?:(?:moet|moeten|mag|mogen|dient|dienen)\s+)?(?:(?:met|aan)\s+(?:[\w-]+\s+){1,5}?)?"
    r"(?:zijn|is|te\s+zijn)\s+(?:(?!(?:aangevraagd|ingediend)\b)[\w-]+\s+(?:of|en)\s+)?"
    r"(?:gestart|begonnen|van\s+start\s+gegaan)\b",
    _I,
)
_FUNDED_THING_RE = re.compile(r"opleiding|scholing|training|traject|cursus|project", _I)
_CONDITION_GATE_RE = re.compile(r"gestart|begonnen|einddatum|factuurdatum|stoppen|starten", _I)


# A date as a one-sided threshold ("alle verleende projecten … met als einddatum 1 maart 2020 of
# later krijgen een verlenging", an SZW agency on ESF projects; "projecten die op 1 januari of
# eerder zijn gestart"): a condition on what is funded, no bound of the window (guide 8). Not a
# deadline that may come sooner ("tot 1 april of eerder als het budget op is").
_OR_LATER_TAIL_RE = re.compile(
    r"\s*,?\s*(?:of|or)\s+(?:later|eerder|earlier|daarna|daarvoor|thereafter)\b"
    r"(?![^.\n]{0,60}?\b(?:als|indien|wanneer|zodra|if|when|once)\b)",
    _I,
)


def _condition_date(text: str, m: Mention, lead: str) -> bool:
    """Say whether the date is a condition on the training or invoice, or a scheme's stop day."""
    if _OR_LATER_TAIL_RE.match(text, m.end):
        return True
    near = text[max(0, m.start - 120) : min(len(text), m.end + 70)]
    if not _CONDITION_GATE_RE.search(near):
        return False
    if _CONDITION_DATE_LEAD_RE.search(lead[-120:]) or _TRAINING_START_TAIL_RE.match(text, m.end):
        return True
    tail = _STARTED_TAIL_RE.match(text, m.end)
    return bool(tail and _FUNDED_THING_RE.search(f"{lead[-80:]} {tail.group()}"))


def _bare_subheading(text: str, spans: list[tuple[int, int, bool]], hi: int) -> bool:
    """Say whether clause hi is a sub-heading without a label word ("Key Action 1 (KA1):
    Learning mobility of individuals:") right under a label heading ("Actions and deadlines for
    proposal submission:"): the rows below it take the label of the heading above."""
    sub = text[spans[hi][0] : spans[hi][1]].strip()
    head = text[spans[hi - 1][0] : spans[hi - 1][1]].strip()
    return (
        spans[hi][2]
        and sub.endswith(":")
        and head.endswith(":")
        and not text[spans[hi - 1][1] : spans[hi][0]].strip(": \t\n")
        and not any(lb["open"] or lb["close"] for lb in _LABEL_RE.finditer(sub))
        and any(lb["open"] or lb["close"] for lb in _LABEL_RE.finditer(head))
    )


def assign_roles(text: str, mentions: list[Mention]) -> list[Role]:
    """Give every mention a role, or NONE when it is not an application date."""
    spans = _clause_spans(text, mentions)
    span_starts = [s for s, _, _ in spans]
    has_date = {_clause_of(spans, span_starts, m.start) for m in mentions}
    low = lowered(text)  # one scan each for all decoy and all application words
    decoys, positives = WordHits(low, NEGATIVE_WORDS), WordHits(low, POSITIVE_WORDS)
    roles: list[Role] = []
    prev: Role | None = None
    work_year: set[int] = set()  # mentions that open an activity year's span
    for i, m in enumerate(mentions):
        ci = _clause_of(spans, span_starts, m.start)
        cs, ce, after_break = spans[ci]
        ctx = cs
        heading = ci > 0 and (
            text[spans[ci - 1][1] : spans[ci - 1][1] + 1] in ("?", ":")
            or text[: spans[ci - 1][1]].rstrip().endswith((":", "?"))
        )
        short = len(text[cs : m.start]) < 25
        # a question answered on the same line ("Wat is de looptijd? Van 1 mei …") labels it too
        question = ci > 0 and text[spans[ci - 1][1] : spans[ci - 1][1] + 1] == "?"
        # a full sentence above ("… will be published on the portal.") is no label line
        sentence = ci > 0 and text[spans[ci - 1][1] : spans[ci - 1][1] + 1] == "."
        labelled = (after_break and (heading or short and not sentence)) or (question and short)
        if labelled and ci - 1 not in has_date:
            ctx = spans[ci - 1][0]  # a heading or label line above: "Einddatum", "Looptijd?"
            if ci > 1 and ci - 2 not in has_date and _bare_subheading(text, spans, ci - 1):
                ctx = spans[ci - 2][0]  # the label heading above a bare sub-heading
        same = prev is not None and prev.clause == (cs, ce)
        lead = text[prev.m.end if same and prev else cs : m.start]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        gap_after = _PARENS_RE.sub("", text[m.end : nxt.start]) if nxt and nxt.start < ce else None
        r = Role(m, clause=(cs, ce), context_start=ctx)
        # A decoy word counts near the date only: a rule sentence mixes both ("geldt … vóór").
        heading_text = text[ctx:cs] if ctx < cs else _list_heading(text, cs)
        lead_start = prev.m.end if same and prev else cs
        own_negative = _governed(text, m, cs, ce, lead_start, nxt, decoys)
        head_negative = bool(
            ctx < cs
            and decoys.may_match(ctx, cs)
            and _NEGATIVE_RE.search(heading_text)
            and not _SUBMISSION_HEAD_RE.search(heading_text)
        )
        r.negative = (
            own_negative
            or head_negative
            or _event_bracket(text, cs, m)
            or _duration_bracket(text, m)
        )
        if r.negative and _RELATIVE_START_LEAD_RE.search(text, max(cs, m.start - 160), m.start):
            r.negative = False  # the decoy word names the relative opening, not this closing
        if r.negative and _window_stop(text, cs, m):
            r.negative = False  # "de indieningsperiode is per 21 oktober beëindigd": a closure
        if r.negative and _programme_stop(text, cs, m):
            r.negative, r.programme_stop = False, True  # "… beëindigd. Het is dus niet meer
            # mogelijk een voucher aan te vragen"
        if (
            not r.negative
            and _PERIOD_OF_RE.search(text, max(cs, m.start - 40), m.start)
            and not _POSITIVE_RE.search(text, cs, m.start)
            and not _OPENED_AFTER_RE.search(text, m.end, ce)
        ):
            r.negative = True
        if not r.negative and _SETTLEMENT_SUBJECT_RE.search(text, cs, m.start):
            r.negative = True
        if not r.negative and _happened_period(text, cs, m):
            r.negative = True  # "Het evenement moet hebben plaatsgevonden tussen 1 januari en …"
        if not r.negative and ci > 0 and _aftercare_pronoun(text, spans[ci - 1], cs):
            r.negative = True  # "Het bestuur verantwoordt … Dit kan van 1 februari t/m …"
        if (
            not r.negative
            and "4:22" in text[cs : m.start]
            and _CEILING_ARTICLE_RE.search(text, cs, m.start)
        ):
            r.negative = True
        if not r.negative and _COUNT_PERIOD_RE.search(text, max(cs, m.start - 160), m.start):
            r.negative = True  # "24.845 aanvragen … in de periode januari tot en met augustus"
        if not r.negative and _MONEY_PERIOD_RE.search(text, max(cs, m.start - 80), m.start):
            r.negative = True  # "De subsidiegelden zijn voor de periode van … beschikbaar"
        if (
            not r.negative
            and _MADE_AVAILABLE_PERIOD_RE.search(text, max(cs, m.start - 120), m.start)
            and not _POSITIVE_RE.search(text, m.end, ce)
        ):
            r.negative = True  # "stelt … € 30.000 subsidie beschikbaar in de periode van …"
        if (
            not r.negative
            and _MONEY_RAISE_LEAD_RE.search(text, max(cs, m.start - 110), m.start)
            and _AVAILABLE_TAIL_RE.match(text, m.end, ce)
        ):
            r.negative = True  # "De ophoging … is sinds 23 september beschikbaar"
        if not r.negative and _work_year_span(text, max(lead_start, m.start - 120), cs, m.start):
            r.negative = True
            work_year.add(i)
        if positives.may_match(ctx, ce):  # text[ctx:cs] is the heading when ctx < cs
            context = _own_context(text, ctx, ce, m)
            r.positive = bool(_POSITIVE_RE.search(context) or _POSITIVE_RE.search(heading_text))
        else:
            r.positive = ctx == cs and bool(_POSITIVE_RE.search(heading_text))
        if not r.positive and ci > 0 and _pronoun_for_applying(text, spans[ci - 1], cs):
            r.positive = True
        if not r.positive and _STAGE_OPEN_RE.search(text, cs, ce):
            r.positive = True  # "Stap 1 staat tot 26 april 2024 (12:00 uur) open"
        if (
            not r.positive
            and not r.negative
            and (
                _SCHEME_AVAILABLE_LEAD_RE.search(text, max(cs, m.start - 90), m.start)
                or m.start - cs < 120
                and _SCHEME_SUBJECT_LEAD_RE.match(text[cs : m.start]) is not None
            )
            and _AVAILABLE_TAIL_RE.match(text, m.end, ce)
        ):
            r.positive = True  # "regelingen, die sinds 21 maart 2018 beschikbaar zijn"
        if not r.positive and not r.negative:
            tail = text[m.end : m.end + 400].lower()
            if "datum" in tail or " date" in tail:
                r.positive = _taken_up_later(text, m.end, nxt.start if nxt else len(text))
        label_lead = lead if same else text[ctx : m.start]
        if not same and "|" in text:
            column = _column_header(text, m, mentions)
            label_lead = f"{column}: {label_lead}"
            r.positive = r.positive or bool(_POSITIVE_RE.search(column))
        gap_before = _PARENS_RE.sub("", lead) if same else None
        if _DATELINE_RE.search(text, max(0, m.start - 40), m.start):
            r.negative = True
        if not r.negative and _condition_date(text, m, lead):
            r.negative = True
        if _CALL_PUBLISHED_RE.search(lead):
            r.role, r.strong, r.positive, r.negative = OPEN, True, True, False
            r.launch = True
        else:
            _decide(r, lead, label_lead, gap_before, gap_after, prev if same else None, text[cs:ce])
        if _rule_change(text, r) or _channel_rule(text, r, gap_after):
            r.role = NONE
        elif r.role != NONE and _announcement_day(text, r):
            r.role, r.negative = NONE, True
        elif r.role in (CLOSE_INCL, CLOSE_EXCL) and _better_chance(text, m):
            r.role, r.negative = NONE, True  # "die voor 1 september binnen zijn, maken een
            # grotere kans": applying later still counts
        if r.role == CLOSE_INCL and r.strong and _described_as_aftercare(text, m, lead):
            r.negative = True
        if r.role in (CLOSE_INCL, CLOSE_EXCL) and _MOVED_TO_RE.search(lead[-40:]):
            r.amends = True
        elif r.role == CLOSE_EXCL and _MOVED_UNTIL_RE.search(lead[-40:]):
            r.role, r.amends = CLOSE_INCL, True  # "is uitgesteld tot 31 januari 2019"
        elif (
            r.role == NONE
            and not r.negative
            and ci > 0
            and _pronoun_deadline_moved(text, spans[ci - 1], cs, m.start)
        ):
            r.role, r.positive, r.amends = CLOSE_INCL, True, True
        elif (
            r.role == NONE
            and not r.negative
            and ci > 0
            and _next_of_named_deadlines(text, spans[ci - 1], cs, m.start)
        ):
            r.role, r.positive = CLOSE_INCL, True
        if (
            head_negative
            and not own_negative
            and r.strong
            and r.role in (OPEN, CLOSE_INCL, CLOSE_EXCL)
            and (_POSITIVE_RE.search(lead) or r.launch and r.role == OPEN)
        ):  # its own clause says it is about applying ("een nieuwe openstelling vanaf 15
            r.negative = False  # oktober"): a decoy word in the heading above does not govern it;
            # nor does it govern a desk or call opened on the day ("Uitslag …\n\nOp 9 april
            # 2019 openden de aanvraagloketten …", subtracers.com)
        if r.role == NONE and not r.negative and _lone_zoned_deadline(text, m):
            r.role, r.strong, r.positive = CLOSE_INCL, True, True
        if (
            r.role == NONE
            and not r.negative
            and not r.other_scheme
            and _deadline_list_item(text, m)
        ):
            r.role, r.positive = CLOSE_INCL, True
        if r.role == NONE and not r.negative:
            tail_end = nxt.start if nxt is not None and nxt.start < ce else ce
            if _RAN_OUT_RE.search(text, m.start - len(lead), tail_end):
                r.role, r.strong, r.positive = CLOSE_INCL, True, True
        if r.role in (NONE, CLOSE_INCL, CLOSE_EXCL) and _postponed_opening(text[cs : m.start]):
            r.role, r.strong, r.positive, r.amends = OPEN, True, True, False
        if r.role == NONE and not r.negative:
            tail_end = nxt.start if nxt is not None and nxt.start < ce else ce
            if _active_apply_after(text, lead, m.end, tail_end):
                r.role, r.strong, r.positive = OPEN, True, True
            elif _APPLY_ON_LEAD_RE.search(lead[-120:]) and not _CONDITION_IN_LEAD_RE.search(lead):
                r.role, r.strong, r.positive = OPEN, True, True  # "kunnen worden ingediend op"
        # a reported closure beats a period label in the heading above ("… in het vierde
        # tijdvak\n\nOp 21 december is de mogelijkheid gesloten …")
        if not r.negative and (
            r.role in (NONE, WINDOW)
            and _reported_closure(text, m, lead)
            or r.role == OPEN
            and _closed_verb_last(text, m, lead)
        ):
            r.role, r.strong, r.positive, r.cue = CLOSE_INCL, True, True, ""
        if (
            r.role == OPEN
            and (_PERIOD_HEAD_RE.search(heading_text) or _PERIOD_HEAD_RE.search(lead[-60:]))
            and not _POSITIVE_RE.search(lead)
        ):  # "Aanvragen voor projecten die plaatsvinden:\n• In de periode van 1 januari tot …"
            r.negative = True
        if (
            same
            and prev is not None
            and prev.negative
            and r.role in (CLOSE_INCL, CLOSE_EXCL)
            and not (prev.role in (CLOSE_INCL, CLOSE_EXCL) and _POSITIVE_RE.search(lead))
            and not (_POSITIVE_RE.search(lead) and CLOSING_WORDS_RE.search(lead))
            and not _colon_close_label(lead)
            and not _repeated_deadline(roles, r, lead)
            and not (i - 2 in work_year and _WORK_YEAR_GAP_RE.match(lead))
            and not _APPLY_PREDICATE_GAP_RE.match(lead)
        ):  # "…tot 30 juni, moeten ingediend worden tegen uiterlijk 15 september": its own
            r.negative = True  # submission words make the second closing no part of the decoy;
            # so does its own deadline label ("… on 10 Oct and the submission deadline will be on")
        if r.role in (NONE, CLOSE_INCL, CLOSE_EXCL) and _named_deadline(lead):
            r.role = CLOSE_INCL if r.role == NONE else r.role
            r.strong, r.positive, r.negative = True, True, False
        roles.append(r)
        prev = r
    _share_tail_label(text, roles)
    apply_layout(text, roles)
    if low is None or any(w in low for w in _CARD_WORDS):
        _value_first_cards(text, roles)
    _prefer_apply_from(text, roles)
    if low is None or any(w in low for w in _FULL_APPLICATION_WORDS):
        _promote_full_application(text, roles)
    _drop_preregistration(text, roles)
    if low is None or any(w in low for w in _SESSION_SIGNUP_WORDS):
        _drop_session_signups(text, roles)
    if low is None or any(w in low for w in _AUX_WORDS):
        _drop_auxiliary_lines(text, roles)
    if low is None or any(w in low for w in _SIDE_STEP_WORDS):
        _drop_side_steps(text, roles)
    _mark_parallel_groups(text, roles)
    if low is None or "voor" in low or "for" in low:
        _mark_group_tails(text, roles)
    if low is None or "voor" in low:
        _mark_group_periods(text, roles)
    _mark_amount_tiers(text, roles)
    if low is None or any(w in low for w in _UNRELATED_WORDS):
        _mark_unrelated_schemes(text, roles)
    if low is None or "fonds" in low:
        _mark_other_funds(text, roles)
    if low is None or any(w in low for w in _GROUP_HEADING_WORDS):
        _mark_group_sections(text, roles)
    if low is None or "verleng" in low:
        _drop_foreign_extensions(text, roles)
    if low is None or any(word in low for word in _BLACKOUT_WORDS):
        _mark_blackouts(text, roles)
    if low is None or any(w in low for w in _NON_WINDOW_WORDS):
        _mark_non_windows(text, roles)
    if low is None or "budget" in low:
        _drop_budget_openings(text, roles)
    if low is None or "loket" in low or "portal" in low or "platform" in low:
        _drop_channel_openings(text, roles)
    if low is None or "zou" in low or "was " in low:
        _drop_abandoned_plans(text, roles)
    if low is None or any(w in low for w in ("while", "whereas", "terwijl")):
        _separate_contrasted_amendments(text, roles)
    if low is None or "vervangen" in low:
        _apply_replacements(text, roles)
    _mark_ranges(roles)
    return roles


# A second amended deadline set against the first for another call ("… has been extended until
# May 5, while for Support to Festivals … has been extended until May 21, 2020"): that call's own
# extension, not a further move of the first deadline (guide 2: one scheme per record).
_CONTRAST_OTHER_RE = re.compile(r"\b(?:while|whereas|terwijl)\s+(?:for|voor)\b", _I)


def _separate_contrasted_amendments(text: str, roles: list[Role]) -> None:
    """Keep an amended closing that a contrast ties to another call as a window of its own."""
    for prev, r in zip(roles, roles[1:], strict=False):
        if (
            r.amends
            and prev.role in (CLOSE_INCL, CLOSE_EXCL)
            and _CONTRAST_OTHER_RE.search(text, prev.m.end, r.m.start)
        ):
            r.amends = False


# Dutch amendment wording quotes the old text and then gives the new one: "In lid 1 wordt
# ‘16 oktober 2017’ vervangen door: 5 oktober 2018", "‘1 december 2019’ wordt vervangen door:
# 1 april 2020" (gazette "Wijziging" decisions). The quoted date is superseded (guide 8).
_REPLACED_BY_RE = re.compile(
    r"\s*[’'‘\"”]?\s*(?:(?:wordt|worden)\s+)?vervangen\s+door\s*:?\s*[‘'’\"“]?\s*", _I
)
# The article the replaced dates belong to names an application period ("Artikel 6.18.5
# Indieningstermijn aanvraag"), so the two dates are its start and end, not a running time.
_PERIOD_LABEL_RE = re.compile(
    r"\b(?:indienings|aanvraag)termijn|\baanvraag(?:tijdvak|periode)|\bindieningsperiode"
    r"|\btijdvak\b|\bopenstellingsperiode",
    _I,
)
# Two replacements joined into one sentence: "… vervangen door: 5 oktober 2018 en ‘6 november
# 2017’ vervangen door: 22 oktober 2018".
_NEXT_REPLACEMENT_RE = re.compile(r"\s*(?:,|en|and)?\s*[‘'’\"“]?\s*", _I)


def _apply_replacements(text: str, roles: list[Role]) -> None:
    """Give a date that replaces a quoted one the role the old one had, and mark the old one
    superseded; two replaced bounds of one labelled period become its new range (guide 6.4)."""
    pairs: list[tuple[Role, Role]] = []
    for a, b in zip(roles, roles[1:], strict=False):
        if b.m.start > a.m.end and _REPLACED_BY_RE.fullmatch(text, a.m.end, b.m.start):
            pairs.append((a, b))
    if not pairs:
        return
    old_roles = [(a.role, a.negative) for a, _ in pairs]
    for a, b in pairs:
        b.role, b.negative, b.positive = a.role, a.negative, a.positive
        b.strong, b.cue, b.amends, b.replaces = a.strong, a.cue, True, a.m
        a.role = OLD
    for i in range(len(pairs) - 1):
        (a1, b1), (a2, b2) = pairs[i], pairs[i + 1]
        (first, first_negative), (second, second_negative) = old_roles[i], old_roles[i + 1]
        if (
            first in (WINDOW, OPEN, NONE)
            and second in (NONE, WINDOW, CLOSE_INCL)
            and (
                first != NONE or _PERIOD_LABEL_RE.search(text, max(0, a1.m.start - 160), a1.m.start)
            )
            and not first_negative
            and not second_negative
            and _NEXT_REPLACEMENT_RE.fullmatch(text, b1.m.end, a2.m.start)
            and _sort_key(a1.m) < _sort_key(a2.m)
        ):  # the old start and end of the period, each replaced: the new pair is its range
            b1.role, b2.role = OPEN, CLOSE_INCL
            b1.strong = b2.strong = True  # the period's label is the cue for both
            b2.clause = b1.clause


def _sort_key(m: Mention) -> tuple[int, int, int]:
    return (m.year or 0, m.month or 0, m.day or 0)


def _share_tail_label(text: str, roles: list[Role]) -> None:
    """Give a listed date the closing label written after the last date of its list ("met
    1 april en 1 oktober als sluitingsdatum": both are closing dates)."""
    for i in range(len(roles) - 2, -1, -1):
        a, b = roles[i], roles[i + 1]
        if a.role != NONE or a.negative or b.role not in (CLOSE_INCL, CLOSE_EXCL):
            continue
        if a.clause != b.clause or not _LIST_RE.match(text[a.m.end : b.m.start]):
            continue
        tail = _TAIL_RE.match(text[b.m.end : b.clause[1]])
        if tail and tail["close"] and tail["close"].lower().startswith("als"):
            a.role, a.strong, a.positive = b.role, True, a.positive or b.positive


# An extension of a scheme named in its own clause: "heeft besloten de subsidieregeling MKB
# Advies Voucher te verlengen tot en met 30 april", "de regeling Exportvoucher wordt verlengd
# tot …". Case-blind (results must not change with the text's case), so a description ("de
# regeling voor monumenten te verlengen") is told from a name by its first word.
_NAMED_EXTENSION_RE = re.compile(
    r"\b(?:subsidieregeling|regeling)\s+"
    r"(?!(?:voor|van|met|om|ter|in|op|die|dat|te|tot|de|het|een|nog|ook|al|is|wordt|werd|zijn"
    r"|worden)\b)(?P<name>[\w&'’-]+(?:\s+(?!(?:te|is|wordt|werd|zijn|worden)\b)[\w&'’-]+){0,4})"
    r"\s+(?:te\s+verlengen|(?:is|wordt|werd|zijn|worden)\s+(?:\w+\s+){0,2}?verlengd)\b",
    _I,
)


def _drop_foreign_extensions(text: str, roles: list[Role]) -> None:
    """Drop the new deadline of an extension that names another scheme (guide 2).

    News pages list several schemes: "Vanaf 1 januari gaan twee regelingen open … Het college
    heeft besloten de subsidieregeling MKB Advies Voucher te verlengen tot en met 30 april".
    When the named scheme occurs nowhere else in the text and the text has other application
    dates, the extension is another scheme's and must not close this one's opening. A page
    about that scheme names it again, or has no other date, and keeps the deadline.
    """
    low = text.lower()
    for r in roles:
        if r.role not in (CLOSE_INCL, CLOSE_EXCL):
            continue
        mt = _NAMED_EXTENSION_RE.search(text, r.clause[0], r.m.start)
        if mt is None:
            continue
        others = any(
            o is not r and o.role != NONE and not o.negative and o.clause != r.clause for o in roles
        )
        if others and low.count(mt["name"].lower()) == 1:
            r.role, r.other_scheme = NONE, True


# A closure told after the fact, the date right after it: "received 41 proposals after its
# closure on 12 July", "het loket sloot op 14 november", "de tender werd gesloten op 3 maart",
# "the call closed on 5 May". Past tense is no label word, so the cue must touch the date.
_CLOSED_LEAD_RE = re.compile(
    r"\b(?:closure|sluiting|afsluiting)\s+(?:on|op)\s*$"
    r"|\b(?:sloot|sloten|closed|gesloten|afgesloten)\s+(?:(?:al|reeds|already)\s+)?(?:on|op)\s*$",
    _I,
)
# ... or the date as an attribute of the closed round: "De 10 september 2020 gesloten tender",
# "de op 4 maart gesloten oproep".
_CLOSED_ATTR_TAIL_RE = re.compile(
    r"[\s,]*(?:gesloten|afgesloten)\s+(?:\w+\s+)?(?:tender|\w*ronde|oproep|call|openstelling"
    r"|loket|tijdvak|regeling)\b",
    _I,
)


# ... or the Dutch verb last: "het ontwikkeladviesportaal … op 1 september jl. gesloten is",
# "Het loket werd op 14 juni gesloten" (a finite verb earlier in the clause, "op" before the date).
# Also "per" before the date, "al" before the verb and the passive future, the finite verb before
# its subject after a fronted adverb: "Daarom is de webportal per 14 augustus 2017 gesloten",
# "is het loket op 21 mei al gesloten", "Beide regelingen worden op 12 september om 17.00 uur
# gesloten" (stimulus.nl, flevoland.nl: the day the window ends, as "sluit op", guide 3 and 6.5).
_CLOSED_VERB_LAST_RE = re.compile(
    r"\s*(?:jl\.?|j\.l\.)?\s*(?:(?:al|reeds)\s+)?(?:gesloten|afgesloten|dichtgegaan)\b"
    r"(?!\s+(?:verklaard|tot|van|voor))",
    _I,
)
_FINITE_BEFORE_RE = re.compile(
    r"\b(?:is|was|werd|zijn|waren|werden|wordt|worden)\b[^.;\n]*\b(?:op|per)\s*$", _I
)
_CLOSED_AUX_AFTER_RE = re.compile(
    r"\s*(?:jl\.?|j\.l\.)?\s*\w*gesloten\s+(?:is|zijn|was|werd)\b", _I
)
_OP_END_RE = re.compile(r"\b(?:op|per)\s*$", _I)
# What a closure is about: applying, not an office ("Op 27 april is het kantoor gesloten").
# (a prefix with a hyphen is part of the noun: "het PV-loket", "de SDE-ronde")
_WINDOW_NOUN = (
    r"(?:\w+-)?(?:mogelijkheid|\w*loket|portaal|portal|\w*regeling|\w*tijdvak|\w*periode|\w*ronde"
    r"|openstelling|subsidie\w*|call|oproep)"
)
# ... or the verb fronted after "Op <date>": "Op 21 december is de mogelijkheid gesloten om
# aanvragen in te dienen", "Op 3 mei werd het loket gesloten".
_CLOSED_INVERTED_TAIL_RE = re.compile(
    r"\s*(?:jl\.?|j\.l\.)?\s*,?\s*(?:is|was|werd|zijn|waren|werden)\s+(?:de|het|ons|uw)\s+"
    rf"(?:[\w-]+\s+)?{_WINDOW_NOUN}\s+(?:[\w-]+\s+){{0,2}}?(?:gesloten|afgesloten|dichtgegaan)\b"
    r"(?!\s+(?:verklaard|tot|van)\b)",
    _I,
)


# The closure verb before an opening cue: "De ronde is gesloten vanaf 20 november 2020, 12.45
# uur", "The call is closed as of 1 May", "het loket wordt met ingang van 1 juli gesloten" is
# the other order (the stop rules). The subject must be what one applies in, not an office.
_CLOSED_FROM_LEAD_RE = re.compile(
    rf"\b{_WINDOW_NOUN}\b(?:\s+[\w-]+){{0,4}}?\s+(?:is|zijn|wordt|worden|werd|werden|was"
    r"|has\s+been|have\s+been)\s+(?:(?:al|reeds|nu|definitief|helaas|daarom|dus|already|now"
    r"|permanently)\s+)?(?:gesloten|dicht|closed)\s*,?\s*$",
    _I,
)


def _closed_verb_last(text: str, m: Mention, lead: str) -> bool:
    """Say whether "op"/"per" and the date sit between a finite verb and "gesloten": the day
    the window closes, even after an opening word earlier in the clause ("… die zijn
    opengesteld, is het loket op 21 mei al gesloten")."""
    return bool(
        m.precision == "day"
        and _CLOSED_VERB_LAST_RE.match(text, m.end)
        and (_FINITE_BEFORE_RE.search(lead[-120:]) or _CLOSED_AUX_AFTER_RE.match(text, m.end))
        and _OP_END_RE.search(lead)
    )


def _reported_closure(text: str, m: Mention, lead: str) -> bool:
    """Say whether the date is a closure reported as past: the last day of the window."""
    if m.precision != "day":
        return False
    if _CLOSED_LEAD_RE.search(lead[-40:]) or _closed_verb_last(text, m, lead):
        return True
    if _OP_END_RE.search(lead) and _CLOSED_INVERTED_TAIL_RE.match(text, m.end):
        return True
    return bool(_CLOSED_ATTR_TAIL_RE.match(text, m.end))


# A clock time in Brussels time or CET on a date: how EU calls state their deadlines.
_DEADLINE_ZONE_RE = re.compile(r"\bbrussels\s+(?:local\s+)?time\b|\bCES?T\b", _I)


def _lone_zoned_deadline(text: str, m: Mention) -> bool:
    """Say whether a date stands alone on its line with a time in Brussels time ("24 January
    2024, 17:00:00 Brussels time" under a call's name): an EU call's deadline."""
    if m.time is None or m.precision != "day":
        return False
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : m.start].strip(" \t•·▪*-–") or text[m.end : line_end].strip(" .;,)"):
        return False
    return bool(_DEADLINE_ZONE_RE.search(text, m.start, m.end))


# A list of dates announced as "before" them ("should therefore be submitted before the
# following dates:", "vóór de volgende data:"): each row is a "before Y" deadline, the last day
# being Y − 1 (guide 3), as if "vóór" stood in every row. Only dates are announced so: "well
# before the deadlines below" is advice about the deadlines, which stay inclusive.
_BEFORE_LIST_RE = re.compile(
    r"\b(?:before|vóór|voor)\s+(?:the\s+following|these|de\s+volgende|deze|onderstaande)\s+"
    r"(?:dates|data|datums)\b[^.\n]{0,30}:",
    _I,
)
_BEFORE_LIST_REACH = 250
# What may stand between two rows of such a list: line breaks, bullets, separators.
_ROW_GAP_RE = re.compile(r"[\s•·▪*,;|–—-]*")
# A row or heading that states its own inclusive bound keeps it ("uiterlijk", "by", "t/m").
_INCLUSIVE_CUE_RE = re.compile(
    r"\b(?:uiterlijk|t/m|tot\s+en\s+met|by|until|through|not?\s+later\s+than|on\s+or\s+before)\b",
    _I,
)


def _before_listed_dates(text: str, roles: list[Role]) -> None:
    """Make the closings listed under a "before the following dates:" line exclusive."""
    i = 0
    while i < len(roles):
        r = roles[i]
        if r.role != CLOSE_INCL or r.m.precision != "day":
            i += 1
            continue
        floor = roles[i - 1].m.end if i > 0 else 0
        lead = text[max(floor, r.m.start - _BEFORE_LIST_REACH) : r.m.start]
        announce = _BEFORE_LIST_RE.search(lead)
        j = i + 1  # the run of rows: closings with nothing but separators between them
        while (
            j < len(roles)
            and roles[j].role == CLOSE_INCL
            and _ROW_GAP_RE.fullmatch(text, roles[j - 1].m.end, roles[j].m.start)
        ):
            j += 1
        if announce and not _INCLUSIVE_CUE_RE.search(lead, announce.end()):
            for row in roles[i:j]:
                row.role = CLOSE_EXCL
        i = j


_BARE_ITEM_RE = re.compile(r"[\s•·▪*\-–]*")


def _bare_item(text: str, m: Mention) -> bool:
    """Say whether m fills its line alone, after a bullet at most ("- 2 June 2019")."""
    start = text.rfind("\n", 0, m.start) + 1
    end = text.find("\n", m.end)
    end = len(text) if end < 0 else end
    return bool(_BARE_ITEM_RE.fullmatch(text, start, m.start)) and not text[m.end : end].strip()


def _next_line(text: str, a: Mention, b: Mention) -> bool:
    """Say whether b stands on the line right after a's."""
    return text.count("\n", a.end, b.start) == 1


# A card's value above its label, each on a line of its own ("26 augustus 2024\n\nsluitingsdatum
# \n\n€ 3.000\n\nsubsidiebedrag"): the label below names the date, as a label above it would.
_CARD_LABEL_RE = re.compile(
    r"[\s•·▪*-]*(?:(?P<close>sluitingsdatum|deadline|einddatum|closing\s+date|inleverdatum"
    r"|indiendatum|uiterste\s+(?:indien|indienings|inlever)datum)"
    r"|(?P<open>openingsdatum|startdatum|opening\s+date|opent|opening))\s*:?\s*",
    _I,
)


def _line_after(text: str, pos: int) -> tuple[int, int] | None:
    """Return the next non-blank line after the line holding pos, at most one blank between."""
    end = text.find("\n", pos)
    for _ in range(2):
        if end < 0:
            return None
        start, end = end + 1, text.find("\n", end + 1)
        if text[start : len(text) if end < 0 else end].strip():
            return start, len(text) if end < 0 else end
    return None


def _line_of(text: str, pos: int) -> tuple[int, int]:
    """Return the line holding pos."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _card_labels(text: str, roles: list[Role]) -> None:
    """Give a bare date line its role from a lone label line right below it; not when a date
    without a label of its own follows that label (then the label may head that date)."""
    starts = [r.m.start for r in roles]
    for k, r in enumerate(roles):
        if r.negative or r.other_scheme or r.m.precision != "day":
            continue
        if not _bare_item(text, r.m) or (below := _line_after(text, r.m.end)) is None:
            continue
        lb = _CARD_LABEL_RE.fullmatch(text, *below)
        if lb is None:
            continue
        if r.role != NONE and not (
            # the label above is the previous card's ("1 maart 2027 / openingsdatum / 30 april
            # 2027 / sluitingsdatum"): the one below is this date's
            k > 0
            and roles[k - 1].role != NONE
            and (above := _line_after(text, roles[k - 1].m.end)) is not None
            and above[1] < r.m.start
            and _CARD_LABEL_RE.fullmatch(text, *above)
            and _line_after(text, above[0]) == _line_of(text, r.m.start)
        ):
            continue
        nxt = _line_after(text, below[0])
        i = bisect_left(starts, nxt[0]) if nxt else len(roles)
        if nxt and i < len(roles) and roles[i].m.start < nxt[1] and _bare_item(text, roles[i].m):
            # a date right under the label: only a next card ("30 april 2027 / sluitingsdatum")
            # keeps the value-above-label reading
            after = _line_after(text, roles[i].m.end)
            if after is None or not _CARD_LABEL_RE.fullmatch(text, *after):
                continue
        r.role, r.strong = (OPEN if lb["open"] else CLOSE_INCL), True


# Date cards that put the date above its label ("04 Aug 2021\n\nDate call is made active\n\n
# 15 Sep 2021\n\nApplication submission deadline\n\n01 Feb 2022\n\nEarliest permitted project
# start"): read with the label above, every date would take the previous card's label.
_CARD_CELL_RE = re.compile(r"[\s·•▪*\-–—,:;.()|]*")
_CARD_CLOSE_RE = re.compile(r"\b(?:deadline|closing|closes|due|sluitingsdatum|einddatum)\b", _I)
# "Official launch of the call" (Interreg BSR timeline) opens it, as "Call launch:" does; a
# "Launch event" does not.
_CARD_OPEN_RE = re.compile(
    r"\b(?:made\s+active|opens|opening|call\s+open|openingsdatum|launch\s+of\s+the\s+call"
    r"|call\s+launch)\b",
    _I,
)
# A label line right above the first date makes the list label-first ("Opening\n1 March …").
_CARD_ABOVE_RE = re.compile(
    r"\b(?:open\w*|start\w*|begin\w*|launch\w*|deadlines?|clos\w*|due|sluit\w*|einddatum)\b"
    r"|:\s*$",
    _I,
)
_MAX_CARD_LABEL = 70
# Cheap gate (throughput): a card list needs a closing label, which holds one of these.
_CARD_WORDS = ("deadline", "closing", "closes", "due", "sluitingsdatum", "einddatum")


def _value_first_cards(text: str, roles: list[Role]) -> None:
    """Give each date of a value-first card list the role of the label line below it.

    A run of lines alternating date, label, date, label … that starts with a date right under
    a line that is no date label and ends with a label line (no date below the last label) is
    read value-first; labels without an opening or closing word are decoys (project starts)."""
    if len(roles) < 2 or "\n" not in text:
        return
    lines: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    cell_of: dict[int, int] = {}  # line index -> role index of a line holding one date only
    dated: set[int] = set()  # lines holding any date
    li = 0
    for ri, r in enumerate(roles):
        while li < len(lines) and lines[li][1] <= r.m.start:
            li += 1
        if li == len(lines):
            break
        lo, hi = lines[li]
        if li in dated:
            cell_of.pop(li, None)  # a second date on the line: no card cell
            continue
        dated.add(li)
        rest = text[lo : r.m.start] + text[min(r.m.end, hi) : hi]
        if r.m.end <= hi and _CARD_CELL_RE.fullmatch(rest):
            cell_of[li] = ri
    li = 0
    while li < len(lines):
        run = []
        j = li
        while (
            j in cell_of
            and j + 1 < len(lines)
            and j + 1 not in dated
            and lines[j + 1][1] - lines[j + 1][0] <= _MAX_CARD_LABEL
        ):
            run.append((cell_of[j], lines[j + 1]))
            j += 2
        if len(run) >= 2 and j not in cell_of:
            above = text[lines[li - 1][0] : lines[li - 1][1]] if li > 0 else ""
            labels = [text[a:b] for _, (a, b) in run]
            if (
                not _CARD_ABOVE_RE.search(above)
                and any(_CARD_CLOSE_RE.search(lb) for lb in labels)
                and not any(lb.rstrip().endswith(":") for lb in labels)
            ):
                for k, label in zip((k for k, _ in run), labels, strict=True):
                    r = roles[k]
                    if _CARD_CLOSE_RE.search(label):
                        r.role, r.strong, r.positive, r.negative = CLOSE_INCL, True, True, False
                    elif _CARD_OPEN_RE.search(label):
                        r.role, r.strong, r.positive, r.negative = OPEN, True, True, False
                    else:
                        r.role, r.negative = NONE, True
                li = j
                continue
        li += 1


def apply_layout(text: str, roles: list[Role]) -> None:
    """Give table cells and listed rows their roles; rows of other schemes are decoys."""
    # A day-level fuzzy cell ("Half januari", "Eind juli" in a calendar of openings) is a day
    # (guide 4.3: the 15th or the last day), so its column places it like an exact date.
    spans = [
        layout.Span(r.m.start, r.m.end, r.role != NONE or r.negative or r.m.vague, r.m.vague)
        for r in roles
    ]
    pairs: dict[int, int] = {}
    for i, kind in layout.layout_roles(text, spans, pairs).items():
        r = roles[i]
        if kind == layout.OTHER:
            r.role, r.other_scheme = NONE, True
        elif kind == layout.DECOY:
            r.role, r.negative = NONE, True
        else:  # the cell's column says what it is, whatever the lines above it say
            r.role, r.strong = (OPEN if kind == layout.OPEN else CLOSE_INCL), True
            r.negative = False
    for close, opening in pairs.items():
        if roles[close].role == CLOSE_INCL and roles[opening].role == OPEN:
            roles[close].order = roles[opening].m.start + 0.5
    _card_labels(text, roles)
    for prev, r in zip(roles, roles[1:], strict=False):
        # a date listed right after a cell the layout named ("Oct 19, 2021 / Apr 07, 2022" under
        # a deadline label: stage 1 and stage 2) is the same kind of date; so is the next item
        # of a list of bare dates, one a line ("- 31 March 2019\n- 2 June 2019": the deadlines
        # of a fund's quarterly rounds)
        if (
            r.role == NONE
            and not r.negative
            and prev.role in (OPEN, CLOSE_INCL, CLOSE_EXCL)
            and (
                (prev.clause == r.clause and _LIST_RE.match(text[prev.m.end : r.m.start]))
                or (
                    # not into a cell the layout gave to another scheme's row
                    not r.other_scheme
                    and _bare_item(text, prev.m)
                    and _bare_item(text, r.m)
                    and _next_line(text, prev.m, r.m)
                )
            )
        ):
            r.role, r.strong = prev.role, prev.strong
    _before_listed_dates(text, roles)


# Applying named right before the "vanaf" cue: "aanvragen kan vanaf", "applications can be
# submitted from" (not "the deadlines are going from September").
_APPLY_FROM_RE = re.compile(
    r"\b(?:aanvragen|aanvraag|indienen|aanmelden|applications?|submissions?|proposals?)\b"
    r"(?:\s+\w+){0,4}?\s*(?:vanaf|from|as\s+of|per|starting(?:\s+(?:on|from))?)\s*$",
    _I,
)


def _prefer_apply_from(text: str, roles: list[Role]) -> None:
    """A call launched on one day and taking applications from a later one opens on the later
    day: "De oproep werd gelanceerd op 17 februari 2023 en aanvragen kan vanaf 1 april 2023"
    (the launch is the call's publication, guide 8)."""
    for i, r in enumerate(roles):
        if not (r.launch and r.role == OPEN):
            continue
        for q in roles[i + 1 :]:
            if q.clause != r.clause:
                break
            if (
                q.role == OPEN
                and not q.launch
                and not q.negative
                and q.m.precision == "day"
                and q.cue in ("vanaf", "from", "as", "per", "starting")
                and _APPLY_FROM_RE.search(text, max(r.m.end, q.m.start - 60), q.m.start)
            ):
                r.role, r.strong = NONE, False
                break


# A pre-registration ("verplichte vooraanmelding", "pre-registration", "The registration deadline is
# fixed on 19 June", a declaration or letter of intent: "Sluitingsdatum intentieverklaring 4 juni")
# is a decoy unless it is the only submission deadline (guide 8). So is a short form sent in
# before the application to get advice, not selected on (Interreg BSR "Project Idea Forms (PIFs)",
# "idea forms for small projects", Vanguard "project fit form"); "After the idea form, the final
# application is due on …" names the application itself.
_PREREG_RE = re.compile(
    r"vooraanmelding|pre-?registration|\bregistration\s+deadline|\bdeadline\s+(?:for|of)\s+"
    r"registration\b|\bregistratie-?\s?deadline|\buiterste\s+registratiedatum"
    r"|intentieverklaring|\b(?:declarations?|letters?)\s+of\s+intent\b"
    r"|(?<!after\s)(?<!after\sthe\s)(?<!after\syour\s)\b(?:project\s+)?idea\s+forms?\b"
    r"|\bPIFs?\b|\bproject\s+fit\s+forms?\b"
    # the registration form or term of a Flemish provincial call, ahead of the definitive
    # submission via the e-loket ("Dien het ingevuld aanmeldingsformulier in vóór 15 december
    # om 12.00 u. Dien alles definitief in via het e-loket vóór 1 maart 2022", "De uiterste
    # inschrijvingsdatum voor de oproep loopt nu af op 15 december", "twee deadlines voorzien
    # voor aanmelding"); dropped only when another closing date remains
    r"|\baanmeldings?(?:formulier|termijn)\w*|\binschrijvingsdatum\b"
    r"|\bdeadlines?\s+(?:\w+\s+){0,2}?voor\s+(?:de\s+)?aanmelding\b",
    _I,
)
# Asking for the forms first ("the deadline to request a … application pack … is 31 May",
# Countryside Stewardship 2020): like a pre-registration, not the application itself (guide 8).
# The request leads its clause, so it may stand far back.
_PACK_REQUEST_RE = re.compile(
    r"\brequest(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,8}?packs?\b"
    r"|\bpacks?\b(?:\s+[\w-]+){0,3}?\s+request(?:s|ed)?\b",  # "packs must be requested by"
    _I,
)


# The full application named after a pre-registration deadline ("Intentieverklaringen: 7 mei
# 2020, 14:00 uur. Definitieve aanvragen: 21 mei 2020"): that date is the real deadline.
_FULL_APPLICATION_RE = re.compile(
    r"\b(?:definitieve|volledige|uitgewerkte|full|final|complete)\s+"
    r"(?:aanvra\w*|applications?|proposals?|voorstel\w*)\b[^.;\n\d]{0,40}$",
    _I,
)


# Cheap gates before the passes below (throughput): every match contains one of these.
_FULL_APPLICATION_WORDS = ("definitieve", "volledige", "uitgewerkte", "full", "final", "complete")
_SIDE_STEP_WORDS = ("draft", "concept", "traject", "track", "voorbereiden", "klaarzetten", "prepar",
                    "contact", "feedback")  # fmt: skip


def _promote_full_application(text: str, roles: list[Role]) -> None:
    """Give the closing role of a pre-registration deadline to the full-application date the
    text names right after it, which its own label ("Definitieve aanvragen:") left without a
    cue; _drop_preregistration then drops the pre-registration (guide 8)."""
    for i, r in enumerate(roles[:-1]):
        if r.role not in (CLOSE_INCL, CLOSE_EXCL) or r.negative:
            continue
        if not _PREREG_RE.search(text, max(r.clause[0], r.m.start - _NEAR_BEFORE), r.m.start):
            continue
        nxt = roles[i + 1]
        if (
            nxt.role == NONE
            and not nxt.negative
            and nxt.m.precision == "day"
            and nxt.m.start - r.m.end < 200
            and _FULL_APPLICATION_RE.search(text, r.m.end, nxt.m.start)
        ):
            nxt.role, nxt.strong, nxt.positive = r.role, True, True


# Side steps before applying whose date is no deadline (guide 8): a review offer for drafts
# ("stuur uw concept vóór 1 maart", "you can send your draft till 24 August"), signing up for a
# pre-track or coaching ("Aanmelden voor het volgende voortraject kan tot 15 maart").
_SIDE_STEP_RE = re.compile(
    r"\b(?:send|e-?mail|mail|stuur|stuurt|sturen|opsturen|toesturen|mailen)\s+(?:\w+\s+){0,3}?"
    r"(?:draft|concept)\w*\b"
    r"|\b(?:draft|concept)\w*\s+(?:\w+\s+){0,3}?(?:review|feedback|meelezen|nalezen)\b"
    r"|\breview\s+of\s+(?:your\s+)?drafts?\b"
    # project ideas sent in for comment ahead of a call ("31 January: Deadline for submission of
    # ideas to Secretariat for feedback", "projectideeën voor feedback insturen")
    r"|\b(?:project\s*)?ide(?:as?|eën)\b[^.;\n]{0,50}?\b(?:for|voor)\s+feedback\b"
    r"|\bvoortraject\w*|\bpre-?track\b|\b(?:coaching|begeleidings)traject\w*",
    _I,
)
# Advice to get in touch before a day ("neemt u het best voor maandag 5 februari contact op met
# het loket", ecohuis.be on Vooruit met de Wijk 2024): a pre-contact, not the submission (guide
# 8), unless the stretch also applies ("Dien uw aanvraag in vóór 1 mei en neem contact op …").
_CONTACT_RE = re.compile(r"\bcontact\s+(?:op|opnemen|opneemt)\b", _I)
# Preparing is not applying: "Voor 1 februari kunt u de module al raadplegen en voorbereiden",
# unless the same clause also submits ("voorbereiden en vóór 1 maart indienen").
_PREPARE_RE = re.compile(r"\b(?:voorbereiden|klaarzetten|prepare|preparing)\b", _I)
_SUBMIT_RE = re.compile(
    r"\b(?:indienen|ingediend|verzenden|verzonden|insturen|aanvragen|submit\w*|send|sent)\b", _I
)


# A draft of the application saved or sent ahead of the opening ("Vanaf 20 mei 2024 is het
# mogelijk om uw conceptaanvraag op te slaan", "Vanaf 19 mei kunnen aanvragers al een
# conceptaanvraag indienen"): like a registration before applying, its date opens nothing.
_DRAFT_APPLICATION_RE = re.compile(r"\bconcept-?aanvra\w*|\bdraft\s+applications?\b", _I)


# A date named the deadline itself ("With the Eurostars Call 10 deadline on 19 March 2026, …
# gives applicants two months to prepare a competitive proposal"): the time to prepare runs up
# to it, so preparing does not make it a side step.
_OWN_DEADLINE_RE = re.compile(
    r"\b(?:deadline|closing\s+date|sluitingsdatum|einddatum)\s+(?:is\s+|was\s+)?(?:on\s+|op\s+)?$",
    _I,
)


def _drop_side_steps(text: str, roles: list[Role]) -> None:
    """Drop a closing date that is a side step's (draft review, pre-track, preparing), or an
    opening date of a draft application."""
    for i, r in enumerate(roles):
        if r.negative or r.role not in (OPEN, CLOSE_INCL, CLOSE_EXCL):
            continue
        cs, ce = r.clause
        start = max(cs, roles[i - 1].m.end if i > 0 else 0)
        end = min(ce, roles[i + 1].m.start if i + 1 < len(roles) else ce)
        if r.role == OPEN:
            if _DRAFT_APPLICATION_RE.search(text, start, end):
                r.role, r.negative = NONE, True
            continue
        if (
            _SIDE_STEP_RE.search(text, start, end)
            or (
                _PREPARE_RE.search(text, start, end)
                and not _SUBMIT_RE.search(text, start, end)
                and not _OWN_DEADLINE_RE.search(text, max(start, r.m.start - 60), r.m.start)
            )
            or (
                _CONTACT_RE.search(text, r.m.end, end)
                and not _SUBMIT_RE.search(text, start, end)
                and not _POSITIVE_RE.search(text, start, r.m.start)
            )
        ):
            r.role, r.negative = NONE, True


# A request to have the application checked by an authority first, before it goes to the funder
# ("Applicants wishing to have their application validated by the FPS … are requested to send it
# by 16 January", "wie zijn aanvraag wil laten valideren door …"): a pre-check (guide 8). Only the
# request counts; "The application forms, validated by the FPS, must then be sent … by 30
# January" is the submission itself.
_PRECHECK_RE = re.compile(
    r"\b(?:to\s+have|laten)\s+(?:\w+\s+){0,3}?(?:validated|endorsed|valideren|goedkeuren)\b"
    r"|\bpre-?validation\b|\bfor\s+validation\b|\bter\s+validatie\b",
    _I,
)


def _paired_opening(roles: list[Role], i: int) -> int | None:
    """Index of the opening right before closing i in the same clause ("De start van de
    vooraanmelding is 19 maart en de einddatum 18 april"), if there is one."""
    prev = roles[i - 1] if i > 0 else None
    if (
        prev is not None
        and prev.role == OPEN
        and not prev.negative
        and prev.clause == roles[i].clause
    ):
        return i - 1
    return None


# Signing oneself up for a period, with nothing applied for in the clause ("Instellingen die nog
# geen partner zijn, kunnen zich van 1 tot en met 22 september 2014 hiervoor aanmelden"): a
# registration needed before applying (guide 8), dropped only when another window remains.
_ENROL_RE = re.compile(
    r"\bzich\b[^.;\n]{0,80}?\b(?:aanmelden|registreren|inschrijven|aan\s+te\s+melden"
    r"|te\s+registreren|in\s+te\s+schrijven)\b",
    _I,
)
_APPLIED_FOR_RE = re.compile(r"\b(?:\w*aanvra\w*|\w*indien\w*|subsidie\w*)\b", _I)


def _enrolment(text: str, clause: tuple[int, int]) -> bool:
    """Say whether a clause signs its subject up (zich aanmelden) without applying for money."""
    lo, hi = clause
    return bool(_ENROL_RE.search(text, lo, hi)) and not _APPLIED_FOR_RE.search(text, lo, hi)


def _drop_preregistration(text: str, roles: list[Role]) -> None:
    """Drop a pre-registration or pre-check deadline (with the opening paired with a
    pre-registration deadline in its clause) when the text gives another closing date."""
    closing = [
        i for i, r in enumerate(roles) if r.role in (CLOSE_INCL, CLOSE_EXCL) and not r.negative
    ]
    if len(closing) < 2:
        return
    precheck = bool(_PRECHECK_RE.search(text))
    pack = "pack" in text.lower() and bool(_PACK_REQUEST_RE.search(text))
    enrol = "zich" in text.lower() and bool(_ENROL_RE.search(text))
    if not precheck and not pack and not enrol and not _PREREG_RE.search(text):
        return
    prereg = []
    for i in closing:
        r = roles[i]
        cs, ce = r.clause
        head = _paired_opening(roles, i)
        first = i if head is None else head  # the pre-registration word may lead the pair
        start = max(
            cs, roles[first - 1].m.end if first > 0 else 0, roles[first].m.start - _NEAR_BEFORE
        )
        nxt = roles[i + 1].m.start if i + 1 < len(roles) else ce
        end = min(ce, nxt, r.m.end + _NEAR_AFTER)
        lead = max(cs, roles[i - 1].m.end if i > 0 else 0)  # the request leads its clause
        heading = _list_heading(text, cs)  # "Er waren twee deadlines voorzien voor aanmelding:"
        if _PREREG_RE.search(text, start, roles[first].m.start if head is not None else end) or (
            heading and _PREREG_RE.search(heading)
        ):
            prereg.append(i)
            if head is not None:
                prereg.append(head)
        elif (
            _PREREG_RE.search(text, max(start, lead), end)
            or (precheck and _PRECHECK_RE.search(text, lead, r.m.start))
            or (pack and _PACK_REQUEST_RE.search(text, lead, r.m.start))
        ):
            prereg.append(i)
        elif enrol and head is not None and _enrolment(text, r.clause):
            prereg.extend((i, head))
        elif (
            _bare_item(text, r.m)
            and (below := _line_after(text, r.m.end)) is not None
            and _PREREG_RE.search(text, *below)
        ):  # a date card labelled below ("14 February 2023\nDeadline for submitting PIFs")
            prereg.append(i)
    dropped_closings = [i for i in prereg if i in closing]
    if dropped_closings and len(dropped_closings) < len(closing):
        for i in prereg:
            roles[i].role, roles[i].negative = NONE, True


# Signing up for a session with experts or an information meeting ("Gemeenten die een aanvraag
# willen indienen … kunnen zich aanmelden voor een online Impulskamer winkelgebieden. … Aanmelden
# kan t/m 26 september", VNG 2022): a deadline for the session, not for the application (guide
# 8, like a webinar or consultation hour). The session is named in the deadline's sentence or
# the one before; dropped only when another closing date remains.
_SESSION_SIGNUP_RE = re.compile(
    r"\b(?:aanmeld\w*|inschrijv\w*|zich\s+(?:\w+\s+){0,3}?(?:aanmelden|inschrijven|opgeven))"
    r"\b[^.\n]{0,60}?\bvoor\s+(?:een|de|het|deze|onze)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:\w*sessies?|\w*kamers?|spreekuur|webinars?|\w*bijeenkomst(?:en)?|workshops?"
    r"|\w*gesprek(?:ken)?|masterclass\w*|matchmaking\w*)\b",
    _I,
)
_SIGNUP_LEAD_RE = re.compile(r"\b(?:aanmelden|inschrijven|aanmelding|inschrijving)\b", _I)
_SESSION_SIGNUP_WORDS = ("aanmeld", "inschrijv", "opgeven")
_SESSION_REACH = 300


def _drop_session_signups(text: str, roles: list[Role]) -> None:
    """Drop a sign-up deadline for a session or meeting when another closing date remains."""
    closing = [
        i for i, r in enumerate(roles) if r.role in (CLOSE_INCL, CLOSE_EXCL) and not r.negative
    ]
    if len(closing) < 2:
        return
    signups = []
    for i in closing:
        r = roles[i]
        cs, ce = r.clause
        if not _SIGNUP_LEAD_RE.search(text, cs, r.m.start) or _APPLIED_FOR_RE.search(text, cs, ce):
            continue
        if _SESSION_SIGNUP_RE.search(text, max(0, cs - _SESSION_REACH), ce):
            signups.append(i)
    if signups and len(signups) < len(closing):
        for i in signups:
            roles[i].role, roles[i].negative = NONE, True


# A key-dates line that names a side step's or another party's deadline (guide 8): "FAQ deadline
# 16:00 (Irish time) 05 October 2023", "Supervisor, mentor deadline …", "Research office
# endorsement deadline …", "- 18 July 2019 (4.00 PM) registration closes for candidates",
# "Deadline for submitting the orientation form (strongly recommended): …". Read on the date's
# own line only, so the label of the next line does not leak onto it.
_AUX_LINE_RE = re.compile(
    r"\bFAQs?\b[^\n]{0,20}?\bdeadline\b|\bdeadline\s+for\s+(?:questions|FAQs?)\b"
    r"|\b(?:supervisors?|mentors?|referees?)\b[^\n\d]{0,20}?\bdeadlines?\b"
    r"|\bendorsement\s+deadline\b|\bregistration\s+(?:closes|closed|ends)\b"
    r"|\b(?:orientation|intake)\s+forms?\b",
    _I,
)
# Cheap gate (throughput): every match contains one of these.
_AUX_WORDS = ("faq", "supervisor", "mentor", "referee", "endorsement", "registration",
              "orientation", "intake")  # fmt: skip


def _drop_auxiliary_lines(text: str, roles: list[Role]) -> None:
    """Drop closing dates whose own line names a side step's or another party's deadline, when
    a closing date on a line without such a name remains (the applicant's deadline)."""
    aux, kept = [], 0
    for i, r in enumerate(roles):
        if r.role not in (CLOSE_INCL, CLOSE_EXCL) or r.negative:
            continue
        lo = text.rfind("\n", 0, r.m.start) + 1
        hi = text.find("\n", r.m.end)
        hi = len(text) if hi < 0 else hi
        alone = (i == 0 or roles[i - 1].m.end <= lo) and (
            i + 1 == len(roles) or roles[i + 1].m.start >= hi
        )
        if alone and _AUX_LINE_RE.search(text, lo, hi):
            aux.append(r)
        else:
            kept += 1
    if aux and kept:
        for r in aux:
            r.role, r.negative = NONE, True


# A deadline introduced by the group it is for, in parallel within one sentence: "Voor landelijke
# organisaties is de uiterlijke indiendatum 15 december 2017, voor regionale indeling is de
# uiterlijke indiendatum 15 januari 2018" (groups of applicants, not rounds: guide 2).
_GROUP_LEAD_RE = re.compile(
    r"[\s,;]*(?:en\s+|and\s+|maar\s+|but\s+)?(?:voor|for)\s+(?P<g>[^\W\d][^,;:.\d]{1,60}?)\s+"
    r"(?:is|zijn|geldt|gelden|the|it\s+is)\b",
    _I,
)
_ROUND_WORDS_RE = re.compile(
    r"\b(?:\w*ronde|rounds?|tranches?|tijdvak\w*|fase|phases?|stages?|calls?|oproep\w*"
    r"|periode|periods?|cut-?offs?|deadlines?|\d)\b",
    _I,
)


# A deadline for requests of a certain amount: "Gaat het om een bedrag tot €5.000, dan moet de
# aanvraag vóór 1 juli 2023 binnen zijn", "Requests above €5,000 must be submitted by 1 March".
_AMOUNT_TIER_RE = re.compile(
    r"\b(?:bedrag|bedragen|subsidies?|aanvra\w*|requests?|applications?|grants?)\s+"
    r"(?:\w+\s+){0,2}?(?:tot(?:\s+en\s+met)?|van|vanaf|boven|onder|hoger\s+dan|lager\s+dan"
    r"|meer\s+dan|minder\s+dan|up\s+to|above|below|over|under|of|from)\s*(?:€|eur\b)\s*[\d.,]*",
    _I,
)


def _mark_amount_tiers(text: str, roles: list[Role]) -> None:
    """Deadlines given per amount tier, one sentence each, are for groups of applicants: the
    first-listed tier is labelled, the others are other schemes (guide 2)."""
    if "€" not in text and "eur" not in text.lower():
        return
    first: str | None = None
    for r in roles:
        if r.role not in (CLOSE_INCL, CLOSE_EXCL) or r.negative:
            continue
        mt = _AMOUNT_TIER_RE.search(text, *r.clause)
        if mt is None:
            continue
        tier = " ".join(mt.group(0).lower().split())
        if first is None:
            first = tier
        elif tier != first:
            r.role, r.other_scheme = NONE, True


def _mark_parallel_groups(text: str, roles: list[Role]) -> None:
    """In a sentence that gives each group its own deadline, the groups after the first are
    other schemes (guide 2: the first-listed one is labelled)."""
    first: dict[tuple[int, int], str] = {}
    prev_end: dict[tuple[int, int], int] = {}
    for r in roles:
        lead_start = prev_end.get(r.clause, r.clause[0])
        prev_end[r.clause] = r.m.end
        if r.role not in (CLOSE_INCL, CLOSE_EXCL) or r.negative:
            continue
        mt = _GROUP_LEAD_RE.match(text, lead_start, r.m.start)
        if mt is None or _ROUND_WORDS_RE.search(mt["g"]):
            continue
        group = " ".join(mt["g"].lower().split())
        head = first.setdefault(r.clause, group)
        if group != head:
            r.role, r.other_scheme = NONE, True


# Ranges in one sentence that each end with the group they are for: "Aanvragen moeten worden
# ingediend tussen 16 mei 2016 9:00 uur en 16 september 2016 17:00 uur voor de regioaanvraag
# leerlingen vso en pro en tussen 16 mei 2016 9:00 uur en 31 januari 2017 17:00 uur voor de
# regioaanvraag gemeenten" (UVB on ESF 2014-2020), also without an article ("… voor vo-scholen en
# … voor mbo-instellingen"): groups of applicants, not rounds (guide 2).
_GROUP_TAIL_RE = re.compile(
    r"[\s,]*(?:voor|for)\s+(?:(?:de|het|the)\s+)?(?P<g>[^\W\d][^,;:.()\d]{1,80}?)"
    r"(?=\s+(?:en|and)\s+(?:tussen|van|vanaf|tot|between|from)\b|\s*[,;.]|\s*$)",
    _I,
)


# ... but a tail that names a stage of one application ("voor de vooraanmelding … voor de
# volledige aanvraag", "for the outline proposal … for the full proposal") makes the ranges stages
# of one scheme (guide 6), so they stay windows.
_STAGE_TAIL_RE = re.compile(
    r"(?:(?:volledige|uitgewerkte|definitieve|korte|eerste|tweede|full|final|short|detailed"
    r"|outline|first|second)\s+)?(?:(?:voor|concept|project|pre-?)?(?:aanvra(?:ag|gen)"
    r"|aanmelding(?:en)?|idee(?:ën)?|voorstel(?:len)?|proposals?|applications?)\b"
    r"|schets|intentieverklaring|registrat\w*|outlines?\b|expressions?\s+of\s+interest"
    r"|concept\s+notes?)"
    # the stage is the whole tail or a channel follows ("voor de volledige aanvraag via het
    # portaal"); "voor de aanvraag werkzoekenden" names a group's application, not a stage
    r"(?:\s*$|\s+(?:via|in|bij|op|door|through|on|at)\b)",
    _I,
)


# ... and a tail that names a season or part of the year ("voor het voorjaar … voor het najaar")
# makes them rounds through the year (guide 6).
_SEASON_TAIL_RE = re.compile(
    r"\b(?:voorjaar|najaar|zomer|winter|herfst|lente|spring|summer|autumn|fall|semester"
    r"|kwartaal|quarter|halfjaar|jaar|year|maand|month)\w*\b",
    _I,
)


def _mark_group_tails(text: str, roles: list[Role]) -> None:
    """In a sentence whose ranges each end with the group they are for, the ranges of the
    groups after the first are other schemes (guide 2: the first-listed one is labelled)."""
    first: dict[tuple[int, int], str] = {}
    prev: Role | None = None
    for r in roles:
        opening, prev = prev, r
        if r.role not in (CLOSE_INCL, CLOSE_EXCL) or r.negative:
            continue
        mt = _GROUP_TAIL_RE.match(text, r.m.end, r.clause[1])
        if (
            mt is None
            or _ROUND_WORDS_RE.search(mt["g"])
            or _SEASON_TAIL_RE.search(mt["g"])
            or _STAGE_TAIL_RE.match(mt["g"])
        ):
            continue
        group = " ".join(mt["g"].lower().split())
        if first.setdefault(r.clause, group) == group:
            continue
        r.role, r.other_scheme = NONE, True
        if opening is not None and opening.role == OPEN and opening.clause == r.clause:
            opening.role, opening.other_scheme = NONE, True


# A period given to one group of applicants in a sentence of its own: "De aanvraagperiode voor
# samenwerkingsverbanden in het mkb en grootbedrijven … loopt van 1 juli tot en met 27 juli
# 2023" after the openstellingen for individual firms. The first-listed windows are labelled.
_GROUP_PERIOD_RE = re.compile(
    r"\b(?:aanvraagperiode|aanvraagtijdvak|aanvraagronde|openstelling|indieningsperiode|tijdvak)"
    r"\s+voor\s+(?:de\s+|het\s+)?(?:[\w-]+\s+){0,2}?(?P<g>samenwerkingsverbanden|grootbedrijven"
    r"|gemeenten|provincies|scholen|instellingen|particulieren|verenigingen|stichtingen"
    r"|ondernemers|ondernemingen|bedrijven|organisaties|starters)\b",
    _I,
)


def _mark_group_periods(text: str, roles: list[Role]) -> None:
    """A later clause that gives another group of applicants a range of its own is another
    scheme (guide 2): "De aanvraagperiode voor samenwerkingsverbanden … loopt van … tot en met …"
    after ranges for no group or another one. A lone bound for a group ("De openstelling voor
    bedrijven loopt tot en met 31 maart") goes on with the window before it."""
    by_clause: dict[tuple[int, int], list[Role]] = {}
    for r in roles:
        if r.role in (OPEN, CLOSE_INCL, CLOSE_EXCL) and not r.negative:
            by_clause.setdefault(r.clause, []).append(r)
    first: str | None = None
    seen_range = False
    for clause, rs in by_clause.items():
        ranged = any(r.role == OPEN for r in rs) and any(r.role != OPEN for r in rs)
        mt = _GROUP_PERIOD_RE.search(text, clause[0], rs[0].m.start)
        group = mt["g"].lower() if mt else None
        if not seen_range:
            seen_range, first = ranged, group
        elif ranged and group is not None and group != first:
            for r in rs:
                r.role, r.other_scheme = NONE, True


# A sentence that sets the labelled call apart from another one ("deze nieuwe oproep staat
# volledig los van de 'Overal stroomversnellers'-uitdaging waarvoor … nog tot en met 1 november
# 2019 … kunnen indienen", energiesparen.be 2019; "not to be confused with …"): the dates after
# the phrase are that other scheme's (guide 2).
_UNRELATED_RE = re.compile(
    r"\b(?:sta(?:at|an)\s+(?:\w+\s+){0,2}?los\s+van|niet\s+te\s+verwarren\s+met"
    r"|(?:is|are)\s+(?:\w+\s+)?(?:unrelated\s+to|separate\s+from)|not\s+to\s+be\s+confused\s+with)\b",
    _I,
)
_UNRELATED_WORDS = ("los van", "verwarren", "unrelated", "separate from", "confused")


def _mark_unrelated_schemes(text: str, roles: list[Role]) -> None:
    """Dates after a phrase that sets another scheme apart, in its sentence, are that scheme's
    (guide 2), when the text gives application dates of its own elsewhere."""
    apart: list[Role] = []
    for r in roles:
        if r.role in (NONE, OLD):
            continue
        mt = _UNRELATED_RE.search(text, r.clause[0], r.m.start)
        if mt is not None:
            apart.append(r)
    if not apart or all(r in apart for r in roles if r.role not in (NONE, OLD)):
        return
    for r in apart:
        r.role, r.other_scheme = NONE, True


# A fund named on a line ("Het Nora Croin Michielsen Fonds en het H.J. van Beuningen Fonds gaan
# 1 september open voor aanvragen", below "… tot eind september 2020 bij SBNL Natuurfonds een
# aanvraag indienen", sbnlnatuurfonds.nl 2020): the words of a name ending in "Fonds", or one word
# ending in "fonds". Compared as lower-case words, so the case of the page does not matter.
_FUND_NAME_RE = re.compile(r"(?:[\w.'’-]+\s+){1,3}fonds\b|\b[\w'’-]+fonds\b", _I)
_FUND_FILLERS = frozenset(
    ("het", "de", "een", "en", "bij", "van", "der", "den", "dit", "deze", "ons", "nieuwe", "voor")
    + ("uit", "aan", "the", "a", "an", "and", "of", "our", "for", "from", "fonds")
)


def _fund_names(text: str, start: int, end: int) -> set[str]:
    """Return the name words of the funds named in text[start:end] (fillers left out)."""
    words: set[str] = set()
    for m in _FUND_NAME_RE.finditer(text, start, end):
        words.update(w.strip(".'’-") for w in m.group(0).lower().split())
    return words - _FUND_FILLERS - {""}


def _mark_other_funds(text: str, roles: list[Role]) -> None:
    """Dates on a later line that names only other funds than the line of the first application
    date are those funds' (guide 2: the first-listed scheme is labelled)."""
    applying = [r for r in roles if r.role not in (NONE, OLD) and not r.negative]
    if len(applying) < 2:
        return
    first = applying[0]
    line_start, line_end = _line_of(text, first.m.start)
    main = _fund_names(text, line_start, line_end)
    if not main:
        return
    for r in applying[1:]:
        start, end = _line_of(text, r.m.start)
        if start == line_start:
            continue
        names = _fund_names(text, start, r.m.start)
        if names and not names & main:
            r.role, r.other_scheme = NONE, True


# A heading line that names a group of applicants only ("Intergemeentelijke
# samenwerkingsverbanden" on cultuurbovenlokaal.be, 2019, below the projectsubsidies): a section
# for that group. When application dates stand above it, its dates are another scheme's (guide 2:
# the first-listed one is labelled).
_GROUP_HEADING_RE = re.compile(
    r"[^\S\n]*(?:[\w-]+[^\S\n]+){0,3}?(?:samenwerkingsverbanden|gemeenten|lokale\s+besturen"
    r"|provincies|scholen|verenigingen|organisaties|ondernemingen|bedrijven|particulieren"
    r"|landbouwers)[^\S\n]*:?[^\S\n]*(?=\n)",
    _I,
)
_GROUP_HEADING_WORDS = ("verbanden\n", "gemeenten\n", "besturen\n", "provincies\n", "scholen\n",
                        "verenigingen\n", "organisaties\n", "ondernemingen\n", "bedrijven\n",
                        "particulieren\n", "landbouwers\n")  # fmt: skip


def _mark_group_sections(text: str, roles: list[Role]) -> None:
    """Dates under a later section headed by a group of applicants are another scheme's."""
    applying = [r for r in roles if r.role not in (NONE, OLD) and not r.negative]
    if len(applying) < 2:
        return
    pos = 0
    while (nl := text.find("\n", pos)) >= 0:
        start = nl + 1
        head = _GROUP_HEADING_RE.match(text, start)
        pos = start
        if head is None:
            continue
        if not any(r.m.end <= start for r in applying):
            continue  # the first section: its dates are the labelled ones
        for r in applying:
            if r.m.start >= head.end():
                r.role, r.other_scheme = NONE, True
        return


def _mark_blackouts(text: str, roles: list[Role]) -> None:
    """A range in a clause that says applying is not possible then is a blackout, no window:
    "Van 24 november tot en met 11 januari is het niet mogelijk om aanvragen in te dienen"."""
    for a, b in zip(roles, roles[1:], strict=False):
        if (
            a.role == OPEN
            and b.role in (CLOSE_INCL, CLOSE_EXCL)
            and a.clause == b.clause
            and _BLACKOUT_RE.search(text, *a.clause)
        ):
            a.negative = b.negative = True


# A span in which applying is blocked by the portal itself (a system stop, maintenance, an
# outage), or in which nothing can be filed under a compound noun ("kun je geen
# projectaanvragen … indienen"): a blackout, no window.
# Plain "onderhoud" is the upkeep many schemes fund ("normaal onderhoud van gemeentelijke
# monumenten", "bouw en onderhoud sportaccommodaties"): only maintenance of the portal counts.
_OUTAGE_RE = re.compile(
    r"\b(?:systeemstop|systeemsluiting|systeemonderhoud|storing|maintenance|shutdown"
    r"|downtime|outage|system\s+upgrades?)\b|\b(?:unavailable|niet\s+beschikbaar|buiten\s+gebruik)\b"
    r"|\b(?:(?:gepland|technisch|wegens|vanwege|i\.v\.m\.|verband\s+met)\s+onderhoud"
    r"|onderhoud\s+(?:aan|van)\s+(?:het|de|ons|onze)\s+(?:\w+\s+)?(?:\w*portaal|systeem"
    r"|website|\w*loket|server)s?)\b"
    r"|\b(?:kun|kan|kunt|kunnen)\s+(?:je|u|jullie|we|wij|men|er)?\s*geen\s+(?:\w+\s+){0,4}?"
    r"(?:\w*aanvra\w*|indienen|ingediend)\b",
    _I,
)
# A budget told for a period ("Van 1 januari 2024 tot en met 31 december 2027 is het totale
# budget …", "Between 1 April 2025 and 31 March 2028 the total budget for the fund is …"):
# the period of the money, not of applying, unless the clause also says to apply.
_BUDGET_PERIOD_RE = re.compile(
    r"\b(?:is|bedraagt|was)\s+(?:het|de)\s+(?:totale\s+|beschikbare\s+)?(?:\w*budget|\w*plafond)\b"
    r"|\bthe\s+(?:total\s+|available\s+)?budget\b[^.;\n]{0,40}?\b(?:is|was|will\s+be)\b"
    # the money named for a period ("The total EU-wide CEF budget for the period starting from
    # 1st January 2021 to 31st December 2027 is …", "het budget voor de periode van …")
    r"|\b\w*budget\b[^.;\n]{0,30}?\b(?:for|voor)\s+(?:the|de)\s+(?:\w+\s+)?(?:period|periode)\b",
    _I,
)
_APPLY_IN_CLAUSE_RE = re.compile(
    r"\b(?:aanvragen|aangevraagd|indienen|ingediend|aanmelden|apply|submit\w*|open(?:s|t)?"
    r"|opengesteld|deadline|sluit\w*|clos\w*)\b",
    _I,
)


# A portal's own closing or reopening for system work, said of one date ("Our e-services …
# close on Thursday 13 March at 4:30pm because of system upgrades. We expect to open them
# again on Friday 14 March"): no application bound. Only system words here; "kunnen geen
# aanvragen" in _OUTAGE_RE may be the scheme's real end.
_SYSTEM_OUTAGE_RE = re.compile(
    r"\b(?:systeemstop|systeemsluiting|systeemonderhoud|storing|maintenance|shutdown|downtime"
    r"|outage|system\s+upgrades?|(?:gepland|technisch|wegens|vanwege|i\.v\.m\.|verband\s+met)"
    r"\s+onderhoud)\b",
    _I,
)
_AGAIN_RE = re.compile(r"\b(?:again|weer|reopen\w*|heropen\w*)\b", _I)


def _mark_non_windows(text: str, roles: list[Role]) -> None:
    """A range whose clause is a portal outage or a budget period is no window; nor is a lone
    portal closing for system work, or the reopening told right after it."""
    outage = _SYSTEM_OUTAGE_RE.search(text) is not None  # one scan, then per clause
    for i, r in enumerate(roles):
        if not outage or r.negative or r.role not in (CLOSE_INCL, CLOSE_EXCL, OPEN):
            continue
        if not _SYSTEM_OUTAGE_RE.search(text, *r.clause):
            continue
        r.role, r.negative = NONE, True
        nxt = roles[i + 1] if i + 1 < len(roles) else None
        if (
            nxt is not None
            and nxt.role == OPEN
            and nxt.clause != r.clause
            and _AGAIN_RE.search(text, *nxt.clause)
            and not _POSITIVE_RE.search(text, *nxt.clause)
        ):
            nxt.role, nxt.negative = NONE, True
    for a, b in zip(roles, roles[1:], strict=False):
        if not (a.role == OPEN and b.role in (CLOSE_INCL, CLOSE_EXCL) and a.clause == b.clause):
            continue
        if _OUTAGE_RE.search(text, *a.clause):
            a.negative = b.negative = True
            continue
        lo, hi = a.clause
        if _BUDGET_PERIOD_RE.search(text, lo, hi):
            rest = text[lo : a.m.start] + " " + text[a.m.end : b.m.start] + " " + text[b.m.end : hi]
            if not _APPLY_IN_CLAUSE_RE.search(rest):
                a.negative = b.negative = True


# Money made available from a date ("Vanaf 9 juli 2019 is er een nieuw subsidiebudget voor de
# restauratie van rijksmonumenten beschikbaar"): when the budget comes, not when applying opens.
_BUDGET_AVAILABLE_RE = re.compile(r"\b\w*budget\w*\b[^.;\n]{0,100}?\bbeschikbaar\b", _I)


def _drop_budget_openings(text: str, roles: list[Role]) -> None:
    """Drop a lone opening whose clause only makes a budget available, when another clause of
    the text gives the application window (applying words in its own clause keep it)."""
    for i, r in enumerate(roles):
        if r.role != OPEN or r.negative:
            continue
        nxt = roles[i + 1] if i + 1 < len(roles) else None
        if nxt is not None and nxt.clause == r.clause and nxt.role in (CLOSE_INCL, CLOSE_EXCL):
            continue
        lo, hi = r.clause
        if not _BUDGET_AVAILABLE_RE.search(text, lo, hi):
            continue
        if _APPLY_IN_CLAUSE_RE.search(text[lo : r.m.start] + " " + text[r.m.end : hi]):
            continue
        if any(
            o.clause != r.clause
            and o.role in (OPEN, CLOSE_INCL, CLOSE_EXCL)
            and o.positive
            and not o.negative
            for o in roles
        ):
            r.role, r.negative = NONE, True


# An organisation opening its own digital desk ("Sinds 1 januari 2017 opende de provincie haar
# digitale subsidieloket", "the agency launched its online grants portal on 3 May"): the start
# of a channel for all its schemes, not a window of one scheme.
_CHANNEL_RE = re.compile(
    r"\b(?:haar|zijn|hun|ons|onze|its|their|our)\s+(?:nieuwe\s+|new\s+)?"
    r"(?:digitale?\s+|online\s+|elektronische?\s+|electronic\s+|e-)"
    r"(?:\w*loket|\w*portaal|\w*platform|(?:\w+\s+)?portal|(?:\w+\s+)?platform)\b",
    _I,
)


_APPLY_RE = re.compile(r"\b(?:apply|applying|aanvraag\s+indienen)\b", _I)


def _drop_channel_openings(text: str, roles: list[Role]) -> None:
    """Drop a lone opening whose clause is about a funder's own digital desk going live."""
    for i, r in enumerate(roles):
        if r.role != OPEN or r.negative:
            continue
        nxt = roles[i + 1] if i + 1 < len(roles) else None
        if nxt is not None and nxt.clause == r.clause and nxt.role in (CLOSE_INCL, CLOSE_EXCL):
            continue  # a range in the clause is a window of its own
        # "Vanaf 1 maart kunt u via ons digitale loket de premie aanvragen" applies from then
        if _CHANNEL_RE.search(text, *r.clause) and not (
            _SUBMIT_RE.search(text, *r.clause) or _APPLY_RE.search(text, *r.clause)
        ):
            r.role, r.negative = NONE, True


# An opening told as a plan that no longer holds: "Vanaf 2 januari zouden mensen weer … kunnen
# aanvragen. Nu kan dat pas … vanaf 28 februari." The conditional "zou/zouden" names the old
# day; a later opening said with "nu", "pas" or "inmiddels" replaces it (guide 6.4).
_PLANNED_RE = re.compile(r"\b(?:zou|zouden)\b", _I)
_REPLACING_RE = re.compile(r"\b(?:nu|pas|inmiddels|in\s+plaats\s+daarvan)\b", _I)


# A planned start called off in the same clause ("The fourth round …, which was to start on
# June 1, will not take place yet"): a cancelled window is left out (guide 6.4).
_WAS_TO_START_RE = re.compile(
    r"\bwas\s+(?:(?:scheduled|planned|due|supposed|set)\s+)?to\s+(?:start|open|begin|launch)\b",
    _I,
)
_CALLED_OFF_RE = re.compile(
    r"\bwill\s+not\s+(?:take\s+place|go\s+ahead|open|start)\b|\b(?:has|have)\s+been\s+"
    r"(?:cancell?ed|called\s+off|scrapped)\b|\b(?:is|was)\s+(?:cancell?ed|called\s+off|scrapped)\b",
    _I,
)


def _drop_abandoned_plans(text: str, roles: list[Role]) -> None:
    """Mark an opening stated as a dropped plan superseded when a later opening replaces it, and
    an opening planned and called off in one clause."""
    planned = _WAS_TO_START_RE.search(text) is not None  # one scan, then per clause
    for r in roles:
        if (
            planned
            and r.role == OPEN
            and not r.negative
            and _WAS_TO_START_RE.search(text, *r.clause)
            and _CALLED_OFF_RE.search(text, *r.clause)
        ):
            r.role = OLD
    for i, r in enumerate(roles):
        if r.role != OPEN or r.negative or not _PLANNED_RE.search(text, *r.clause):
            continue
        if any(
            x.role == OPEN and x.clause != r.clause and _REPLACING_RE.search(text, *x.clause)
            for x in roles[i + 1 :]
        ):
            r.role = OLD


def _mark_ranges(roles: list[Role]) -> None:
    """Drop negative mentions and weak single dates that nothing ties to applying."""
    for a, b in zip(roles, roles[1:], strict=False):  # a range is one decoy or none
        if a.role == OPEN and b.role in (CLOSE_INCL, CLOSE_EXCL) and a.clause == b.clause:
            a.negative = a.negative or b.negative
    for i, r in enumerate(roles):
        r.decoyed = r.negative and r.role not in (NONE, OLD)
        if r.role in (NONE, OLD):
            continue
        ranged = (
            i + 1 < len(roles) and r.role == OPEN and roles[i + 1].role in (CLOSE_INCL, CLOSE_EXCL)
            and roles[i + 1].clause == r.clause
        ) or (i > 0 and r.role != OPEN and roles[i - 1].role == OPEN
              and roles[i - 1].clause == r.clause)  # fmt: skip
        if r.negative or not (r.positive or r.strong or ranged):
            r.role = NONE
