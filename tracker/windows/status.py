"""Status at a reference date and the top-level window (LABELLING.md sections 6 and 7).

The top-level window is the first window, in time order, that has not ended on the reference
date; when all have ended it is the last one. Its state is the status. Without windows the
status comes from status words ("Status: Aanvraagperiode open", "plafond bereikt").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tracker.windows.dates import FULL_MONTHS, MONTHS
from tracker.windows.model import VAGUE, ExtractedWindow
from tracker.windows.scan import first_letter_guard
from tracker.windows.text import clean_text, join_wrapped_lines

_I = re.IGNORECASE

# A condition or a forecast, not a fact: "totdat het plafond is bereikt", "tot het budget op is",
# "zolang", "tenzij", "we verwachten dat het plafond … wordt overschreden".
_CONDITIONAL_RE = re.compile(
    # (not "als gevolg": "met als gevolg dat het subsidiebudget voor dit jaar op is" is a fact)
    r"\b(?:als(?!\s+gevolg)|wanneer|zodra|indien|if|once|when|voordat|where|totdat|zolang|tenzij|unless"
    r"|until|as\s+long\s+as|tot\s+(?:het|de|dit|dat)|verwacht\w*(?:\s+\w+){0,2}?\s+dat"
    r"|naar\s+verwachting|expect\w*(?:\s+that)?)\b[^.]{0,30}$",
    _I,
)
# A stop heading ("Subsidieplafond bereikt") that the next line explains as a forecast.
_FORECAST_RE = re.compile(r"\bverwacht|\bnaar\s+verwachting|\bexpect", _I)
# A stop about some regions, groups or parts only ("Voor de regio's X en Y is het plafond
# bereikt", "Het subsidieplafond voor onderdeel 'Vrijroosteren' lijkt … overschreden"): the scheme
# itself stays open for the rest (guide 2: one scheme per record).
# An office, helpdesk or phone line (its hours are decoys, guide 8); also used by roles.py.
OFFICE = (
    r"\b(?:offices?|kantoor|kantoren|helpdesk|servicedesk|klantenservice|klantcontact\w*"
    r"|receptie|balie|secretariaat|phone\s+lines?|telefoon\w*|call\s*cent(?:er|re))\b"
)
# An office closed (for the holidays): its hours, not the scheme's.
_OFFICE_CLOSED_RE = re.compile(OFFICE + r"[^.;\n]{0,80}?\b(?:closed|gesloten|dicht)\b", _I)
_PARTIAL_RE = re.compile(
    r"\b(?:voor|in|binnen)\s+(?:de\s+|deze\s+|die\s+|het\s+|enkele\s+|sommige\s+)?"
    r"(?:regio(?:['’]?s)?|deelgebied(?:en)?|gebieden|gemeenten|provincies|categorie(?:ën)?"
    r"|modules?|onderde(?:el|len)|maatregelen|sectoren|doelgroepen|deelregelingen)\b"
    r"|\bfor\s+(?:the\s+|these\s+|some\s+)?(?:regions?|categories|strands|lots|topics)\b"
    # applicants from one municipality or region of a wider scheme ("Het budget voor aanvragen
    # vanuit de gemeente Noordoostpolder is op", a provincial page)
    r"|\b(?:vanuit|uit)\s+(?:de\s+)?(?:gemeente|regio|provincie)\s+[A-Z]",
    _I,
)
# Gone within a span of time: "binnen één dag leeg", "binnen twee dagen op", "binnen een paar uur
# vergeven"; "op" must end the clause ("binnen twee weken op volledigheid gecontroleerd" is no
# stop). Used by the early closures below and by the closing role of a dated clause (roles.py).
QUICK_GONE = (
    r"\bbinnen\s+(?:één|een|twee|drie|vier|vijf|zes|enkele|een\s+paar|\d+)\s+"
    r"(?:dag|dagen|uur|uren|week|weken|minuten|kwartier)\s+(?:al\s+|helemaal\s+|volledig\s+)?"
    r"(?:leeg|uitgeput|vergeven|opgebruikt|op(?=\s*(?:[.!;,]|$)))"
)
# Words that stop applications even inside a nominal window (budget exhausted, closed early).
STOPPED_RE = re.compile(
    # (West Frisian "Plafond berikt!", "It subsydzjeplafon is berikt", fryslan.frl/fy)
    r"(?:subsidie|subsydzje)?plafond?\s+(?:is\s+)?(?:al\s+)?(?:bereikt|berikt)"
    r"|budget\s+is\s+(?:al\s+)?op\b"
    r"|(?:pot(?:je)?|budget)\s+is\s+(?:al\s+)?leeg|budget\b[^.\n]{0,30}\bal\s+op\b"
    # subordinate order, the verb last: "dat het potje nu leeg is", "omdat het plafond al
    # bereikt is" (a condition before it is left out by the caller: "als het potje leeg is")
    r"|\b(?:\w*budget|pot(?:je)?|\w*plafond)\b(?:[^.,?\n]{0,50}?\s)??"
    r"(?:(?:nu|al|alweer|helaas|volledig|inmiddels)\s+)*"
    # ("dat het beschikbare subsidiebudget voor dit jaar op is": "op" right before the verb
    # that ends the clause)
    r"(?:(?:leeg|uitgeput|bereikt|overschreden)\s+(?:is|zijn)\b|op\s+(?:is|zijn)(?=\s*(?:[.!;,]|$)))"
    r"(?![^.\n]*\?)"
    r"|geen\s+budget\b[^.\n]{0,40}\bmeer|niet\s+meer\s+aanvragen|niet\s+meer\s+mogelijk"
    # "worden aanvragen niet meer gehonoreerd" (the money left is used up); not a rule for
    # late ones ("aanvragen die na 1 oktober binnenkomen worden niet meer gehonoreerd")
    r"|\b(?:(?:worden|werden)\s+(?:de\s+|nieuwe\s+)?aanvragen|aanvragen\s+(?:worden|werden))"
    r"\s+niet\s+meer\s+gehonoreerd\b"
    # applications from now on turned down ("Aanvragen die vanaf nu nog worden ingediend, worden
    # afgewezen", "nieuwe aanvragen worden vanaf vandaag afgewezen"); not the rule for late or
    # incomplete ones ("Aanvragen die na 30 november worden ingediend, worden afgewezen")
    r"|\baanvragen\b[^.\n]{0,40}?\b(?:vanaf\s+(?:nu|vandaag|heden)|nu\s+nog)\b[^.\n]{0,50}?"
    r"\bworden\s+(?:direct\s+|meteen\s+)?afgewezen\b"
    r"|\bnieuwe\s+aanvragen\s+worden\s+(?:(?:vanaf\s+(?:nu|vandaag|heden)|voortaan|nu)\s+)?"
    r"(?:direct\s+|meteen\s+)?afgewezen\b"
    # "Er zijn geen nieuwe aanvragen meer mogelijk" (an FCP news item after its budget went)
    # also a compound ("kan het waterschap voorlopig geen subsidieaanvragen meer honoreren")
    r"|geen\s+(?:nieuwe\s+)?(?:subsidie|project)?aanvra(?:ag|gen)\s+meer"
    r"|(?:regeling|loket)\s+is\s+(?:nu\s+)?(?:gesloten|vol)\b"
    # the bottom of the pot reached ("is de bodem van de subsidiepot al bereikt")
    r"|\bbodem\s+van\s+(?:de|het)\s+(?:\w*pot(?:je)?|\w*budget)\s+(?:is\s+)?"
    r"(?:(?:nu|al|alweer|inmiddels)\s+)*bereikt\b(?![^.\n]*\?)"
    r"|^\s*(?:status:\s*)?(?:(?:aanvraagperiode|aanvragen)\s+)?(?:gesloten|closed|vol)\s*$"
    r"|no\s+longer\s+(?:open|accepting)|closed\s+for\s+submissions?|\bis\s+gestopt\b"
    # "It is no longer possible at this point in time to apply to the … Programme" (a fund's
    # scheme page after its round); "will no longer be possible" is _FUTURE_STOP_RE's
    r"|\bno\s+longer\s+possible\b[^.\n]{0,40}?\bto\s+(?:apply|submit)\b"
    # "ingetrokken" as a fact, not the metadata field "Naam ingetrokken regeling: N.v.t."
    # nor one verb in a list of what an amending decision does to its paragraphs ("worden diverse
    # paragrafen … gewijzigd, ingetrokken dan wel nieuw toegevoegd", "gewijzigd of ingetrokken")
    r"|\bbeëindigd\b|teruggetrokken|(?<!gewijzigd,\s)(?<!gewijzigd\sof\s)(?<!gewijzigd\sen\s)"
    r"ingetrokken(?!\s+regeling\w*\s*:)(?!\s*(?:,|en\b|of\b|dan\s+wel\b)\s*(?:\w+\s+){0,2}?"
    r"(?:toegevoegd|gewijzigd|vastgesteld|ingevoegd)\b)|\bwithdrawn\b"
    r"|(?:is|are|has\s+been)\s+cancel+ed"
    r"|geen\s+\w+\s+meer\s+open|niet\s+meer\s+(?:worden\s+)?opengesteld"
    # a cap on applications reached ("Veel sneller dan verwacht is het maximum aantal
    # inschrijvingen bereikt"), and nothing more can be applied for ("vanaf nu geen kosteloos
    # ontwikkeladvies meer kan worden aangevraagd")
    r"|\bmaximum\s+aantal\s+(?:\w+\s+){0,2}?(?:is\s+|zijn\s+)?(?:al\s+)?bereikt\b"
    r"|\bgeen\s+(?:\w+\s+){1,3}?meer\s+(?:kan|kunnen)\s+(?:worden\s+)?(?:aangevraagd|ingediend)\b"
    # the verb first: "kan er geen subsidie meer worden aangevraagd", "kunt u geen aanvraag
    # meer indienen" (not a question)
    r"|\b(?:kan|kunt|kunnen)\s+(?:er|u|je|jij|men|we|wij)\s+(?:(?:dit|dat)\s+jaar\s+)?geen\s+"
    r"(?:\w+\s+){1,3}?meer\s+(?:worden\s+)?(?:aangevraagd|ingediend|aanvragen|indienen)\b"
    r"(?![^.\n]*\?)"
    # the subject first, ending the sentence: "U kunt geen subsidie meer aanvragen." (a scheme
    # page after its round; "… meer aanvragen in 2022" is scoped to that year)
    r"|\b(?:u|je|jij|men|we|wij)\s+(?:kan|kunt|kunnen)\s+geen\s+(?:\w+\s+){1,3}?meer\s+"
    r"(?:aanvragen|indienen)\s*(?:[.!;]|$)"
    # the same with "er" first, the passive ending the sentence: "Er kan geen subsidie meer
    # worden aangevraagd." (the grants agency's line on a scheme page after its round)
    r"|\ber\s+(?:kan|kunnen)\s+geen\s+(?:\w+\s+){1,3}?meer\s+(?:worden\s+)?"
    r"(?:aangevraagd|ingediend)(?:\s+worden)?\s*(?:[.!;]|$)"
    r"|(?:periode|regeling|termijn|deadline|ronde|oproep)\s+(?:is\s+)?(?:helaas\s+)?"
    r"(?:voorbij|verstreken|afgelopen|afgesloten)\b"
    # the call named by its year or number ("… is de oproep 2020 afgelopen", lv.vlaanderen.be
    # VLIF; "Ronde 2 is voorbij"), not asked ("Wanneer is … afgelopen?")
    r"|\b(?:periode|regeling|termijn|ronde|oproep|tijdvak)\s+(?:\d{4}(?:-\d{2,4})?|\d{1,2})\s+"
    r"(?:is\s+)?(?:helaas\s+)?(?:voorbij|verstreken|afgelopen|afgesloten)\b(?![^.\n]*\?)"
    r"|(?:call|oproep)\s+is\s+(?:now\s+)?closed"
    # also with a time adverb: "Deze regeling is momenteel gesloten" (a provincial scheme page
    # above the last round's details), "is op dit moment gesloten", "is currently closed"
    r"|\bis\s+(?:(?:now|currently)\s+)?closed\b"
    r"|\b(?:is|zijn)\s+(?:(?:nu|momenteel|op\s+dit\s+moment|thans)\s+)?gesloten\b"
    r"|plafond\b[^.\n]{0,100}?\b(?:overschreden|overtekend)|oversubscribed"
    # the demand exceeds the ceiling, the verb first: "Het aantal aanvragen overstijgt het
    # beschikbare subsidieplafond", "Het gevraagde budget overschrijdt het beschikbare budget"
    r"|\b(?:overstijgt|overstijgen|overschrijdt|overschrijden)\s+(?:het|de)\s+(?:beschikbare\s+)?"
    r"(?:\w*plafond|\w*budget)\b"
    r"|(?:budget|pot)\b[^.\n]{0,100}?\b(?:is|zijn|are|has\s+been|have\s+been)\s+"
    r"(?:(?:nu|al|alweer|ruim|helaas|volledig|now|already|fully)\s+)*"
    r"(?:uitgeput|overschreden|leeg|exhausted|used\s+up)\b"
    # the verb before the noun (Dutch inversion after a fronted clause): "Hierdoor is het budget
    # voor deze subsidieregeling uitgeput", "Helaas is het budget voor dit jaar op." (not a
    # question: "Wanneer is het budget op?")
    r"|\b(?:is|zijn)\s+(?:het|de|ons|uw)\s+(?:\w*budget|pot|plafond)\b[^.?\n]{0,60}?\s"
    r"(?:(?:nu|al|alweer|helaas|volledig)\s+)*(?:uitgeput|leeg|bereikt|overschreden"
    r"|op(?=\s*(?:[.!;]|$)))(?![^.\n]*\?)"
    # the amount gone early in this round, told in the past ("Vanwege het grote aantal aanvragen
    # was het subsidiebedrag begin augustus al op"); not an earlier round's ("Vorig jaar was het
    # budget …", "Bij de vorige ronde was de pot …")
    r"|(?<!jaar\s)(?<!ronde\s)(?<!keer\s)\b(?:was|waren)\s+het\s+\w*bedrag\b[^.?\n]{0,40}?\s"
    r"(?:al|alweer)\s+op(?=\s*(?:[.!;,]|$))"
    # the ceiling or budget used up in full ("Het subsidieplafond … is hiermee volledig benut",
    # "All our funds have been committed")
    # also the amount itself ("De 6,35 miljoen euro die daarvoor beschikbaar was, is geheel
    # benut"), not money spent on something ("Het geld is volledig besteed aan het dak")
    r"|(?:plafond|budget|bedrag|euro|middelen|geld)\b(?:[^.\n]|\.(?=\d)){0,60}?\b(?:is|zijn|werd|was)\s+"
    r"(?:\w+\s+){0,2}?(?:volledig|geheel)\s+(?:benut|besteed|vergeven|verdeeld|toegekend)\b(?!\s+aan\b)"
    # the applications went past the amount ("voordat de aanvragen het totale beschikbare
    # bedrag van 6 miljoen euro hadden overschreden")
    r"|\b(?:bedrag|budget)\b(?:[^.?\n]|\.(?=\d)){0,40}?\b(?:hadden|hebben|had|heeft)\s+overschreden\b"
    # the same inverted after a fronted clause, with a long name between: "Vanwege grote
    # belangstelling is het budget van de subsidieregeling … van het Fonds … geheel vergeven"
    r"|\b(?:is|zijn)\s+(?:het|de)\s+(?:\w*budget|\w*plafond)\b[^.?\n]{0,100}?\s(?:volledig|geheel)"
    r"\s+(?:benut|besteed|vergeven|verdeeld)\b(?![^.\n]*\?)"
    r"|\b(?:all\s+(?:our\s+|the\s+)?)?funds\s+(?:have|has)\s+(?:now\s+)?been\s+(?:fully\s+)?committed\b|niet\s+meer\s+in\s+behandeling|vooralsnog\s+niet\s+in"
    r"\s+behandeling"
    # new applications held back for now ("Agentschap SZW neemt voorlopig nieuwe aanvragen niet
    # in behandeling"); not the rule for incomplete ones ("Onvolledige aanvragen worden niet in
    # behandeling genomen"), which names no "nieuwe" or "voorlopig"
    r"|\b(?:(?:voorlopig|tijdelijk)\s+(?:\w+\s+){0,2}?|nieuwe\s+aanvragen\s+(?:worden\s+)?"
    r"(?:(?:voorlopig|vooralsnog|tijdelijk)\s+)?)niet\s+(?:meer\s+)?in\s+behandeling\b"
    # a headline without a verb, the line ending on the participle ("Subsidie …: plafond voor
    # aanvragen tot € 250.000 bereikt", "Budget Regeling Erfgoed Lokaal uitgeput"); not "bijna"
    # or "nog niet" bereikt (still open, guide 7) nor a rule ("wordt", "zodra", "Openstelling:
    # 1 maart tot budget uitgeput"; "tot € 250.000" is an amount)
    r"|^(?![^\n]*\b(?:bijna|niet|wordt|worden|zal|zou|als|indien|wanneer|zodra|totdat"
    r"|zolang|if|when|until|till|while|tot(?!\s*(?:€|eur\b|\d)))\b)"
    r"[^\S\n]*(?:[^.?\n]{0,60}?[\s:])?(?:\w*plafond|\w*budget)\b(?:[^.?\n]|\.(?=\d)){0,80}?"
    r"\s(?:bereikt|uitgeput)[^\S\n]*(?:[-–—][^\n]*)?$"
    # the ceiling reached, a long amount between ("Het subsidieplafond van € 50.000.000,- voor
    # … is inmiddels bereikt"): dots inside numbers do not end the clause
    # (a phrase saying when between: "want het subsidieplafond is na deze derde ronde bereikt",
    # "is voor 2024 al bereikt"; not "is in 2023 nog niet bereikt")
    r"|\w*plafond?\b(?:[^.?\n]|\.(?=\d)){0,100}?\b(?:is|zijn|werd)\s+"
    r"(?:(?:nu|al|alweer|inmiddels|helaas|ruim|volledig|daarmee|hiermee)\s+)*"
    r"(?:(?:na|met|in|bij|door|voor|tijdens|binnen)\s+(?:(?!(?:niet|nog|bijna|geen)\b)[\w-]+\s+)"
    r"{1,3}?(?:(?:nu|al|alweer|inmiddels|helaas|ruim|volledig|daarmee|hiermee)\s+)*)?"
    r"(?:bereikt|berikt)\b"
    r"(?![^.\n]*\?)"
    # plain local-news wording: "De subsidie is niet meer aan te vragen", "Aanvragen kan niet
    # meer", "Het geld is op." ("op" ends the clause: "Het geld is op de rekening gestort" is
    # no stop), "De gemeente heeft de regeling stopgezet" (done, no date on the way)
    r"|\bniet\s+meer\s+aan\s+te\s+vragen\b|\b(?:aanvragen|indienen)\s+kan\s+niet\s+meer\b"
    r"|\bgeld\s+is\s+(?:nu\s+|al\s+|helaas\s+)*op(?=\s*(?:[.!;,]|$))"
    r"|\b(?:heeft|hebben|is|zijn|werd|werden)\b[^.\n\d]{0,60}?\bstopgezet\b"
    # "Het loket is dicht", "De regeling is (ruim) overtekend", "De subsidie is op, maar …"
    # ("op" ends the clause: "de subsidie is op = op" is a rule, no stop)
    r"|\b(?:loket|regeling|ronde|oproep)\s+is\s+(?:nu\s+|al\s+|helaas\s+)*dicht\b"
    # the empty pot named as the cause ("4 procent is afgewezen wegens een lege subsidiepot",
    # rd.nl on the Lerarenbeurs 2023), or too small for all who applied ("de subsidiepot is dit
    # jaar net te klein om alle aanvragers … een beurs toe te kennen"): the money is gone
    r"|\b(?:afgewezen|geweigerd|(?:niet|geen)\s+(?:toegekend|gehonoreerd))\s+(?:[\w-]+\s+){0,2}?"
    r"(?:wegens|vanwege|door)\s+(?:een\s+|de\s+|het\s+)?(?:leeg|lege|uitgeput(?:te)?|opgebruikte?)\s+"
    r"\w*(?:pot(?:je)?|budget)\b"
    r"|(?<!is\shet\s)(?<!is\sde\s)\b\w*(?:pot(?:je)?|budget|plafond)\b[^.?\n]{0,40}?\bte\s+(?:klein|laag)\s+(?:is\s+|was\s+)?"
    r"om\s+alle\s+(?:[\w-]+\s+)?(?:aanvra\w*|subsidieaanvra\w*|indieners|verzoeken)\b(?![^.\n]*\?)"
    r"|\b(?:regeling|ronde|oproep|subsidie\w*)\b[^.?\n]{0,60}?\bis\s+"
    r"(?:nu\s+|al\s+|ruim\s+|helaas\s+|fors\s+)*overtekend\b"
    # the same told in the past, as news does ("Begin april werd een regeling geopend, maar die
    # was binnen een dag volledig overtekend", "werd binnen enkele uren overtekend"); not an
    # earlier year's or round's ("Vorig jaar was de regeling …")
    r"|(?<!jaar\s)(?<!ronde\s)(?<!keer\s)\b(?:was|waren|werd|werden|raakte|raakten)\s+"
    r"(?:[\w-]+\s+){0,5}?overtekend\b"
    # also the budget itself or a compound ("Het budget voor de isolatiesubsidie van de gemeente
    # is op", "Het budget van het noodfonds … is helaas op", local news); not the first-come rule
    # "op is op" ("Ook voor deze regeling geldt: op is op!", an OOM scheme page): "op" before
    # "is" makes it the saying, not a budget gone
    r"|\b(?:\w*subsidie\w*|regeling|pot(?:je)?|\w*budget)\b[^.?\n]{0,60}?(?<!\bop\s)\bis\s+"
    r"(?:nu\s+|al\s+|alweer\s+|helaas\s+)*op(?=\s*(?:[.!;,]|$))"
    # paused or held, in English ("The fund … is “unfortunately on pause”", "the publication of
    # new calls will remain on hold … till further notice", "Round 3 … remains closed for the
    # moment"); "will remain" is a present state, not a stop to come
    r"|\b(?:is|are|has\s+been|have\s+been|(?:will\s+)?remains?)\s+[“\"‘']?"
    r"(?:(?:now|temporarily|unfortunately|currently|still)\s+)*"
    r"(?:on\s+pause|paused|suspended|on\s+hold)\b|\bremains?\s+closed\b",
    _I | re.MULTILINE,
)
# A stop stated for later ("Vanaf dat moment zal het fonds geen aanvragen meer verwerken", "will
# no longer accept"): not yet stopped (guide 7: a scheme that will close soon is still open).
# Also "binnenkort"/"soon" ("waardoor het binnenkort niet meer mogelijk is de subsidie aan te
# vragen", "will soon no longer be possible"): closing soon, so still open.
_FUTURE_STOP_RE = re.compile(r"\b(?:zal|zullen|will|binnenkort|soon)\b[^.\n]{0,40}$", _I)
# "Na volgende week geen aanvragen meer": it closes soon, so it is still open (guide 7). Also a
# stop from a near day ahead, in the present or future: "Vanaf maandag a.s. kunnen er geen
# aanvragen meer worden ingediend", "Vanaf morgen is aanvragen niet meer mogelijk", "From next
# week no more applications will be accepted" (not "Vanaf maandag konden er …", a past stop).
_SOON_DAY = (
    r"(?:morgen|overmorgen|tomorrow|(?:volgende|komende)\s+(?:week|maand)|next\s+(?:week|month)"
    r"|(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)(?:\s+(?:a\.\s?s\.?|as\b|aanstaande|next))?)"
)
_CLOSING_SOON_RE = re.compile(
    r"\bna\s+(?:volgende|komende)\s+week\b"
    r"|\b(?:vanaf|per|na|from|after)\s+" + _SOON_DAY + r"(?=[\s,])"
    r"(?![^.\n]*\b(?:was|waren|werd|werden|kon|konden|had|hadden|were|could)\b)"
    r"[^.\n]{0,70}?\b(?:geen\b[^.\n]{0,50}?\bmeer|niet\s+meer|no\s+(?:longer|more)|gesloten"
    r"|closed?)\b",
    _I,
)
# A stop said of the time after a bound the text gives elsewhere ("U kunt nog tot 1 juli een
# aanvraag indienen. Daarna is dat niet meer mogelijk", "Na deze datum kunt u geen aanvraag meer
# indienen", "After that date no applications will be accepted"): the dates carry the end, it
# is no stop now. Not a past narrative ("Daarna was aanvragen niet meer mogelijk").
_AFTER_BOUND_RE = re.compile(
    r"(?:^|[:;]\s*|\b(?:en|maar|and|but)\s+)(?:daarna|hierna|nadien|daarop|thereafter|afterwards"
    r"|na\s+(?:deze|die|dit|dat|de|het)\s+(?:\w+\s+)?(?:datum|dag|moment|tijdstip|deadline"
    r"|sluitingsdatum|sluitingsdag|einddatum|uiterste\s+datum|periode|termijn|tijdvak)"
    r"|na\s+(?:afloop|sluiting|het\s+verstrijken)\b[^,.\n]{0,60}?"
    r"|after\s+(?:that|this|the)(?:\s+(?:closing\s+)?(?:date|day|deadline|time|point))?)\b"
    r"(?![^.\n]*\b(?:was|waren|werd|werden|kon|konden|had|hadden|were|could)\b)",
    _I,
)
# "De ISDE loopt in 2020 door": the scheme goes on, whatever its next budget.
_CONTINUES_RE = re.compile(
    r"\bloopt\b[^.\n]{0,40}\bdoor\b|\bblijft\s+(?:\w+\s+)?open\b|remains\s+open"
    # the modal with the infinitive ("BOSA-subsidie kan voorlopig open blijven", "Hiermee kan de
    # regeling dit jaar langer open blijven", a sports federation on a budget shift), not
    # negated nor restricted ("kan alleen open blijven als …")
    r"|\b(?:kan|kunnen)\s+(?:(?!niet\b|geen\b|alleen\b|slechts\b|pas\b)[\w-]+\s+){0,5}?open\s+blijven\b"
    # a scheme running since a moment the writer names ("Het Rotterdams Scholingsfonds loopt
    # sinds begin van september, maar krijgt ook in 2021 een vervolg"): open now, whatever
    # continuation is announced; said of the fund or scheme itself, not of a project
    r"|\b(?:\w*fonds|\w*regeling|\w*loket|subsidie\w*|\w*voucher\w*|\w*ronde|tijdvak"
    r"|aanvraagperiode)\b[^.\n]{0,40}?\b(?:loopt|lopen)\s+(?:al\s+|nu\s+)?sinds\b",
    _I,
)
_CLOSED_RE = re.compile(r"\bgesloten\b|\bclosed\b|\bis\s+vol\b", _I)
_UNDENIED = r"(?:(?!\b(?:niet|geen|gesloten|afgelopen|verlopen|voorbij)\b)[^.\n])"
_ROUND = r"(?:deadline|sluitingsdat|ronde)\w*\b"
_COMES = r"(?:zijn|komen|volgen|plaatsvinden)\b"
_ANNOUNCED_RE = re.compile(
    r"later\s+dit\s+jaar|volgt\s+later|will\s+be\s+announced|to\s+be\s+announced"
    r"|wordt\s+later\s+bekendgemaakt|(?:opent|gaat)\s+(?:\w+\s+)?(?:opnieuw|weer)\s+open"
    r"|(?:aanvraagperiode|openingsdatum|openstelling|aanvraagtijdvak|periode|datum|data|deadlines?)"
    r"[^.\n]{0,40}\bnog\s+(?:(?:niet\s+)?(?:onbekend|bekend|vastgesteld)|niet\s+vast\b)"
    r"|nog\s+niet\s+(?:worden\s+)?(?:ingediend|aangevraagd)|opens\s+later|later\s+this\s+year"
    # applying is not possible yet ("Er is nog geen financiering mogelijk vanuit het JTF")
    r"|\bnog\s+geen\s+(?:financiering|subsidie|aanvragen|aanvraag)\s+(?:\w+\s+)?mogelijk\b"
    r"|\b(?:aanvragen|indienen)\s+is\s+nog\s+niet\s+mogelijk\b"
    # an opening the writer expects at a time ahead, object first ("de eerste openstelling
    # verwachten we medio 2022", "Openstelling nieuwe regeling wordt verwacht medio april/mei
    # 2019"): the time must follow, so "Na de openstelling verwachten we veel aanvragen" is no
    # announcement
    r"|\b(?:openstelling|opening|oproep|call|tender|aanvraagronde|aanvraagperiode)\b[^.\n]{0,40}?"
    r"\b(?:verwachten\s+(?:we|wij)|wordt\s+(?:deze\s+)?verwacht)\s+(?:\w+\s+)?"
    r"(?:in|medio|begin|half|eind|rond|omstreeks|na|voor|vóór)\s+(?:de\s+|het\s+)?"
    r"(?:20\d\d|zomer|voorjaar|najaar|herfst|winter|januari|februari|maart|april|mei|juni|juli"
    r"|augustus|september|oktober|november|december)\b"
    # (not a start told in the past: "De regeling ging van start in 2020 en kent een jaarlijkse
    # openstelling", "Al vanaf de start in juli 2012 was er veel animo")
    r"|(?<!\bging\svan\s)(?<!\bgingen\svan\s)(?<!\bis\svan\s)(?<!\bde\s)"
    r"(?:start|opent|begint|gaat\s+open|opens|will\s+open)\s+"
    # also hedged and by season ("De subsidieregeling … opent naar verwachting in de zomer van
    # 2022", waterforum.net on Partners voor Water): no day, so upcoming with dates null
    r"(?:naar\s+verwachting\s+)?(?:in|begin|medio|eind)\s+(?:de\s+|het\s+)?"
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|zomer|voorjaar|najaar|herfst|winter|\d{4})\b"
    # opening soon, no time at all ("De subsidieregeling opent binnenkort", "the call opens
    # soon"); a close soon ("sluit binnenkort") is still open
    r"|\b(?:opent|opens|will\s+open)\s+(?:(?:heel|zeer|very)\s+)?(?:binnenkort|soon|shortly)\b"
    # new calls the funder says it will publish ("In May and June of 2019 we will publish the
    # following 11 calls for institutional collaboration projects", a Nuffic programme update)
    r"|\b(?:will|shall|are\s+going\s+to)\s+publish\s+(?:the\s+)?(?:following\s+)?(?:\d+\s+)?"
    r"(?:new\s+|further\s+|next\s+)?calls?\b"
    # an English opening at a fuzzy part of a year or month ahead ("call opens mid-2020",
    # "the portal will open early 2025"): no day, so upcoming with dates null
    r"|\b(?:opens|will\s+open|is\s+opening)\s+(?:in\s+)?(?:mid|early|late)\s*-?\s*"
    r"(?:20\d\d|january|february|march|april|may|june|july|august|september|october"
    r"|november|december)\b"
    # a next round the writer expects, the time first ("In 2025 verwachten we weer een nieuwe
    # ronde", "Volgend jaar verwachten wij een tweede openstelling") or in a dat-clause ("EZ
    # verwacht dat er volgend jaar een tweede ronde komt"): announced, no day yet
    r"|\b(?:in\s+20\d\d|(?:volgend|komend)\s+jaar|in\s+het\s+(?:voorjaar|najaar))\s+"
    r"verwachten\s+(?:we|wij)\s+(?:weer\s+|opnieuw\s+)?een\s+(?:nieuwe|volgende|tweede|derde)\s+"
    r"(?:\w*ronde|openstelling|call|oproep|tender)\b"
    r"|\bverwacht\w*\s+dat\s+er\s+(?:volgend\s+jaar|komend\s+jaar|in\s+20\d\d)\s+"
    r"(?:weer\s+|opnieuw\s+)?een\s+(?:nieuwe|volgende|tweede|derde)\s+"
    r"(?:\w*ronde|openstelling|call|oproep|tender)\s+(?:komt|volgt|opent)\b"
    # a future opening stated as a plan ("Eind september zal de indieningstermijn voor 2025
    # worden geopend", "the call will be launched"), not negated on the way
    r"|\b(?:zal|zullen)\b(?:(?!\b(?:niet|geen)\b)[^.\n]){0,90}?\b(?:worden\s+|weer\s+)?"
    r"(?:geopend|opengesteld|open\s*gaan|openen)\b"
    # open again ahead ("In 2026 zal de regeling opnieuw openstaan voor aanvragen"); "opnieuw"
    # or "weer" is needed and "nog" kept out, so "zal nog tot 1 mei openstaan" is no announcement
    r"|\b(?:zal|zullen)\b(?:(?!\b(?:niet|geen|nog)\b)[^.\n]){0,60}?\b(?:opnieuw|weer)\s+"
    r"(?:\w+\s+){0,2}?open\s*staan\b"
    # also with another modal: "It should be launched in May", "is expected to open in February"
    r"|\b(?:will|should|shall|(?:is|are)\s+(?:expected|scheduled|planned|due)\s+to)\s+"
    r"(?:be\s+)?(?:re)?(?:opened|launched|open|launch)\b"
    # an opening aimed at ("Gestreefd wordt naar openstelling van de regelingen in de tweede helft
    # van april", "we streven naar opening begin juni")
    r"|\b(?:gestreefd|streeft|streven)\b[^.\n]{0,30}?\bnaar\s+(?:de\s+)?(?:openstelling|opening)\b"
    # an expected opening without a day ("De openstelling is naar verwachting in september")
    r"|\b(?:openstelling|opening|openingsdatum|aanvraagperiode|aanvraagronde|loket)\b[^.\n]{0,40}?"
    r"\b(?:is|wordt|vindt|volgt|komt)\s+(?:\w+\s+)?naar\s+verwachting\b"
    # applying expected from a time ahead without a day, the modal first or last ("Naar
    # verwachting kunnen de eerste aanvragen in het voorjaar van 2017 gedaan worden", "De
    # aanvragen kunnen naar verwachting vanaf september worden ingediend")
    r"|\b(?:naar\s+verwachting\s+(?:kan|kunnen|kunt)|(?:kan|kunnen|kunt)\s+(?:\w+\s+){0,3}?"
    r"naar\s+verwachting)\b(?:(?!\b(?:niet|geen|nog)\b)[^.\n?]){0,50}?\b(?:aanvra\w*|\w*subsidie\w*)"
    r"\b(?:(?!\b(?:niet|geen)\b)[^.\n?]){0,50}?\b(?:in|vanaf|medio|begin|eind|rond|na)\s+"
    r"(?:de\s+|het\s+)?(?:20\d\d|zomer|voorjaar|najaar|herfst|winter|januari|februari|maart"
    r"|april|mei|juni|juli|augustus|september|oktober|november|december)\b"
    r"|\b(?:aanvra\w*|\w*subsidie\w*)\s+(?:kan|kunnen|kunt)\s+naar\s+verwachting\s+"
    r"(?:in|vanaf|medio|begin|eind|rond|na)\s+(?:de\s+|het\s+)?(?:20\d\d|zomer|voorjaar|najaar"
    r"|herfst|winter|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober"
    r"|november|december)\b"
    # a funder's calendar entry for a call not yet out ("(verwachte) publicatie: november 2017",
    # "Verwachte publicatie: medio maart 2020"): the window has not started
    r"|\bverwachte\)?\s+publicatie(?:datum)?\s*:?\s*(?:(?:begin|medio|half|eind)\s+)?"
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|20\d\d)\b"
    # a scheme or round said to start soon ("Om daarvoor te zorgen start binnenkort een nieuwe
    # subsidie voor opleiders", "binnenkort opent een nieuwe ronde")
    r"|\b(?:(?:start|opent|begint)\s+binnenkort|binnenkort\s+(?:start|opent|begint))\b[^.\n]{0,60}?"
    r"\b(?:\w*regeling|\w*subsidie\w*|\w*ronde|tijdvak|openstelling|oproep|loket"
    r"|aanvraagperiode|\w*onderdeel)\b"
    # a coming round whose deadline is still to be made known ("De deadline voor 2021 zal
    # binnenkort bekendgemaakt worden", Literatuur Vlaanderen): announced without dates; the
    # deadline must be the subject, so "De resultaten worden later bekendgemaakt" is no round
    r"|\b(?:deadline|indiendatum|aanvraagperiode|indienperiode|oproep)\s+"
    r"(?:voor\s+(?:20\d\d|(?:het\s+)?volgend(?:e)?\s+jaar)\s+)?(?:zal|zullen|wordt|worden)\s+"
    r"(?:binnenkort|later|spoedig|nog)\s+(?:worden\s+)?bekendgemaakt\b"
    # a new or next call said to follow or be planned ("Een nieuwe oproep volgt in het najaar",
    # "A new call will follow in the autumn", "The next call is planned for early 2026")
    r"|\b(?:nieuwe|volgende)\s+(?:\w+\s+)?(?:oproep(?:en)?|ronde|openstelling|call)\s+"
    r"(?:volgt|volgen|komt|komen)\b(?!\s+(?:niet|geen)\b)"
    r"|\b(?:a\s+new|the\s+next|another)\s+(?:\w+\s+)?(?:call|round)\s+(?:will\s+follow"
    r"|is\s+(?:planned|scheduled|foreseen))\b"
    # openings planned ("In 2023 worden alleen op het thema Innovatie nieuwe
    # subsidieopenstellingen voorzien"); the noun right before "voorzien" keeps out "voorzien
    # van een handtekening"
    r"|\b(?:wordt|worden|is|zijn)\b[^.\n]{0,60}?\b[\w-]*(?:openstelling(?:en)?|oproep(?:en)?"
    r"|rondes?)\s+voorzien\b"
    # applying possible from next year, no day ("starting next year, you'll be able to apply for
    # the MIT Feasibility Projects subsidy", a consultant's page), not negated, not asked
    r"|\b(?:starting|from|as\s+of|beginning)\s+next\s+year\b(?:(?!\b(?:not|no|never)\b)[^.\n?])"
    r"{0,40}?\b(?:will|['’]ll)\s+be\s+able\s+to\s+(?:apply|submit)\b(?![^.\n]*\?)",
    _I,
)
# Future deadlines or rounds without a day ("er zal zowel een aanvraagdeadline zijn in het
# voorjaar als najaar", "er zal in het najaar een indienronde komen", "there will be a spring and
# an autumn deadline"), not negated or closed on the way.
_ANNOUNCED_ROUND_RE = re.compile(
    rf"\b(?:zal|zullen)\b{_UNDENIED}{{0,60}}?{_ROUND}{_UNDENIED}{{0,60}}?\b{_COMES}"
    rf"|{_ROUND}{_UNDENIED}{{0,40}}?\b(?:zal|zullen)\s+{_COMES}"
    # a round said to be held or organised ahead ("De zesde ronde van de Provinciale Impuls
    # Wonen zal in 2017 gehouden worden", zeeland.nl; "… zal na de zomer worden georganiseerd")
    rf"|{_ROUND}{_UNDENIED}{{0,60}}?\b(?:zal|zullen)\b{_UNDENIED}{{0,40}}?"
    r"\b(?:gehouden|georganiseerd|uitgeschreven)\b"
    r"|\bthere\s+will\s+be\b(?:(?!\bno\b)[^.\n]){0,60}?\b(?:deadlines?|calls?|rounds?|cut-?offs?)\b",
    _I,
)
# ... unless it is the scheme's habit ("Normally there will be 2 calls per year").
_HABIT_RE = re.compile(
    r"\b(?:normally|usually|generally|per\s+year|a\s+year|each\s+year|every\s+year|normaal"
    r"|doorgaans|meestal|jaarlijks|per\s+jaar|elk\s+jaar|ieder\s+jaar)\b",
    _I,
)


def _announces_round(text: str) -> bool:
    """Say whether a sentence announces coming deadlines or rounds, not as a habit."""
    lower = text.lower()
    if "zal" not in lower and "zullen" not in lower and "will be" not in lower:
        return False
    for mt in _ANNOUNCED_ROUND_RE.finditer(text):
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if not _HABIT_RE.search(text, left, right) and not _CONDITIONAL_RE.search(
            text, max(0, mt.start() - 60), mt.start()
        ):
            return True
    return False


_NL_MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december)"
)
# A time that lies ahead: "komend najaar", "in het voorjaar van 2022", "nog in november",
# "in de eerste week van februari", "begin maart". Months and seasons give no date (guide
# 4.3), but with an opening verb in the present tense they announce a future window.
_FUTURE_TIME_RE = re.compile(
    r"\b(?:komend|volgend|aanstaand)e?\s+(?:voorjaar|zomer|najaar|herfst|winter|jaar|maand)"
    r"|\b(?:voorjaar|lente|zomer|najaar|herfst|winter)\s+(?:van\s+)?20\d\d\b"
    # the season of this year, still ahead when told in the present tense ("Dit najaar is er
    # een tweede ronde", "Deze zomer gaat het loket open", "this autumn")
    r"|\b(?:dit\s+(?:voorjaar|najaar)|deze\s+(?:zomer|herfst|winter)"
    r"|this\s+(?:spring|summer|autumn|fall|winter))\b"
    r"|\bnog\s+(?:in\s+|deze\s+|dit\s+)(?:" + _NL_MONTH + r"|maand|voorjaar|najaar|zomer|jaar)\b"
    r"|\b(?:eerste|tweede|derde|vierde|laatste)\s+week\s+van\s+"
    + _NL_MONTH
    + r"|\b(?:in|begin|medio|half|eind)\s+(?:de\s+maand\s+)?"
    + _NL_MONTH
    + r"\b"
    r"|\bde\s+komende\s+(?:maanden|weken)\b"
    # "Vanaf april mogen … hun ideeën voorleggen": a month without a year, in the present tense
    # (a year after it is left to the dated rules)
    r"|\bvanaf\s+" + _NL_MONTH + r"\b(?!\s+\d)"
    r"|\b(?:begin|medio|half|eind)\s+20\d\d\b"
    # a season or holiday ahead without a year ("Na de zomer komt er een nieuwe ronde", "In het
    # najaar volgt een tweede ronde"); "binnenkort" alone stays no announcement (corpus
    # w11_headline_wordt_geopend_guard)
    r"|\bna\s+de\s+(?:zomer|zomervakantie|kerst|kerstvakantie|jaarwisseling)\b"
    r"|\bin\s+het\s+(?:voorjaar|najaar)\b|\bin\s+de\s+(?:lente|zomer|herfst|winter)\b"
    # "In de loop van het voorjaar", "in het eerste kwartaal van 2021", "Q3 2024": no day
    # (guide 4.3), but ahead when the opening verb is in the present tense
    r"|\bin\s+de\s+loop\s+van\s+(?:het|de|dit|deze)\s+(?:voorjaar|zomer|najaar|herfst|winter"
    r"|jaar|maand)\b"
    r"|\b(?:eerste|tweede|derde|vierde|laatste)\s+kwartaal\s+(?:van\s+)?20\d\d\b|\bQ[1-4]\s+20\d\d\b"
    # a quarter of this year, without a year ("We verwachten dat in het vierde kwartaal de
    # eerste aanvragen … kunnen worden ingediend"), ahead in the present tense like a season
    r"|\bin\s+het\s+(?:eerste|tweede|derde|vierde|laatste)\s+kwartaal\b",
    _I,
)
# The opening itself in the present tense: "wordt … opengesteld", "gaat … open", "gaan … van
# start", "open gaat".
_OPENING_VERB_RE = re.compile(
    r"\b(?:wordt|worden)\b[^.\n]{0,80}?\b(?:opengesteld|open\s+gesteld|geopend)\b"
    r"|\b(?:gaat|gaan)\b[^.\n]{0,80}?\b(?:open|van\s+start)\b"
    r"|\bopen\s*ga(?:at|an)\b|\bvan\s+start\s+ga(?:at|an)\b"
    # a coming round stated as being there: "Dit najaar is er een tweede ronde waarin …"
    r"|\b(?:is|komt)\s+er\s+(?:nog\s+)?een\s+(?:\w+\s+){0,2}?(?:\w*ronde|tijdvak|openstelling"
    r"|oproep)\b"
    # "In het najaar volgt een tweede ronde"
    r"|\b(?:volgt|volgen)\s+(?:er\s+)?(?:nog\s+)?een\s+(?:\w+\s+){0,2}?(?:\w*ronde|tijdvak"
    r"|openstelling|oproep)\b"
    # the same in a subordinate clause, the verb last: "dat er in het eerste kwartaal een extra
    # EFRO-openstelling voor bedrijven komt"
    r"|\ber\b[^.\n]{0,60}?\been\s+(?:\w+\s+){0,2}?[\w-]*(?:ronde|tijdvak|openstelling|oproep)\b"
    r"[^.\n]{0,40}?\b(?:komt|volgt)\b"
    # applicants able to apply at that time: "MKB-bedrijven kunnen vanaf maart volgend jaar
    # subsidie aanvragen", "In de maand juni kunnen mbo-scholen een nieuwe aanvraag indienen"
    r"|\b(?:kunnen|kan|kunt)\b[^.\n]{0,80}?\b(?:aanvragen|indienen)\b"
    # the same in the passive, what is applied for as the subject: "De eerste subsidies kunnen
    # na de zomer bij het SNN worden aangevraagd"
    r"|\b(?:kunnen|kan)\b[^.\n]{0,80}?\bworden\s+(?:aangevraagd|ingediend)\b"
    # the chance to apply named as being at that time: "De eerste mogelijkheid om een aanvraag
    # in te dienen is in januari 2024" (a past "was" is caught by _NOT_ANNOUNCED_RE)
    r"|\b(?:mogelijkheid|gelegenheid)\s+om\s+(?:\w+\s+){0,3}?(?:in\s+te\s+dienen|aan\s+te\s+vragen)"
    r"\s+(?:is|ligt|valt|komt)\b"
    # signing up for the scheme itself, where that is how one applies (the Lbv buy-out: "In de
    # lente van 2022 kunnen veehouders zich aanmelden voor deelname", "In augustus/september
    # 2022 kan dan worden ingeschreven"); not for a webinar, meeting or newsletter
    r"|\b(?:kunnen|kan|kunt)\b(?![^.\n]*(?:webinar|bijeenkomst|nieuwsbrief|sessie|cursus"
    r"|training|workshop|informatieavond))[^.\n]{0,80}?\b(?:inschrijven|aanmelden"
    r"|worden\s+(?:ingeschreven|aangemeld))\b"
    # applying said possible again at that time ("Volgend jaar is het weer mogelijk om subsidie
    # aan te vragen", a municipal groene-daken page after the ceiling was reached)
    r"|\b(?:is|wordt)\s+het\s+(?:(?:ook|weer|opnieuw|wederom|nog)\s+)*mogelijk\b[^.\n]{0,60}?"
    r"\b(?:aan\s+te\s+vragen|in\s+te\s+dienen)\b"
    # new money made available at that time ("Volgend jaar komt er een nieuw subsidiebudget
    # beschikbaar", RVO on DUMAVA after a pot emptied in a day): a later round (guide 7)
    r"|\b(?:komt|komen)\s+er\s+(?:(?:een|weer|opnieuw|nieuw\w*)\s+){0,3}(?:subsidie)?budget\w*\b"
    r"[^.\n]{0,30}?\bbeschikbaar\b"
    # applicants told to try again at that time ("Pech voor veel aanvragers, zij moeten het
    # volgend jaar opnieuw proberen"): a later round is coming
    r"|\b(?:moeten|moet|kunnen|kan|kunt|mogen|mag)\b[^.\n]{0,40}?\b(?:opnieuw|weer)\s+proberen\b"
    # ... or allowed to hand in ("Vanaf april mogen instanties … hun ideeën aan ons voorleggen")
    r"|\b(?:mogen|mag)\b[^.\n]{0,80}?\b(?:aanvragen|indienen|insturen|voorleggen)\b"
    # a round said to go in at that time: "een derde ronde, die eind 2023 moet ingaan"
    r"|\b(?:\w*ronde|tijdvak|openstelling|oproep|tender|aanvraagperiode)\b[^.\n]{0,60}?"
    r"\b(?:in\s*gaan|in\s*gaat)\b"
    # the funder starts a round at that time: "Het Waddenfonds start in de zomer van dit jaar
    # met een nieuwe subsidieronde" (present tense only: "startte" tells of a past round)
    r"|\b(?:start|starten|begint|beginnen)\b[^.\n]{0,60}?\bmet\s+(?:een|de)\s+(?:\w+\s+){0,2}?"
    r"[\w-]*(?:ronde|tijdvak|openstelling|oproep|aanvraagperiode)\b",
    _I,
)
# A rule about every year, a negation or a past tense is not an announcement.
_NOT_ANNOUNCED_RE = re.compile(
    r"\b(?:niet|geen|jaarlijks|elk\s+jaar|ieder\s+jaar|telkens|steeds|meestal|was|werd|waren"
    r"|werden)\b",
    _I,
)


# A time ahead that ends the period ("Tot begin september kunnen … aanvragen") is no opening.
_END_LEAD_RE = re.compile(r"\b(?:tot(?:\s+en\s+met)?|t/m|until|uiterlijk)\s+$", _I)


def _future_start(text: str, left: int, right: int) -> bool:
    """Say whether the sentence names a time ahead that is not the end of a period."""
    return any(
        not _END_LEAD_RE.search(text, max(left, mt.start() - 15), mt.start())
        for mt in _FUTURE_TIME_RE.finditer(text, left, right)
    )


def _announces_opening(text: str) -> bool:
    """Say whether a sentence announces a future opening without a day: "In het voorjaar van
    2022 wordt een nieuwe tender opengesteld", "Het loket gaat komend najaar open", "Nog in
    november gaan twintig aanvraagrondes van start" (guide 7: upcoming, dates null)."""
    lower = text.lower()
    if not any(
        w in lower
        for w in (
            "open",
            "start",
            "ronde",
            "tijdvak",
            "oproep",
            "aanvra",
            "aangevraagd",
            "indien",
            "ingediend",
            "aanmeld",
            "inschrijven",
            "ingeschreven",
            "voorleg",
            "instur",
            "proberen",
            "gelegenheid",
            "mogelijk",
            "budget",
        )
    ):
        return False
    for verb in _OPENING_VERB_RE.finditer(text):
        left, right = _sentence_bounds(text, verb.start(), verb.end())
        if (
            _future_start(text, left, right)
            and not _NOT_ANNOUNCED_RE.search(text, left, right)
            and not _CONDITIONAL_RE.search(text, max(left, verb.start() - 60), verb.start())
        ):
            return True
    return False


# A round that starts at a time ahead, the time put first (Dutch verb-second order): "Begin
# januari start de nieuwe aanvraagronde", "In maart opent het nieuwe tijdvak".
_FRONTED_START_RE = re.compile(
    r"\b(?:in|begin|medio|half|eind)\s+" + _NL_MONTH + r"\s+(?:start|opent|begint)\s+"
    # who it is for may stand before the round ("In januari start voor de clubs een nieuwe ronde"),
    # or who opens it ("In augustus opent ZonMw een nieuwe subsidieronde", icthealth.nl)
    r"(?:(?:voor|bij)\s+(?:de|het)\s+\w+\s+|(?:de|het)\s+(?:provincie|gemeente|minister\w*"
    r"|fonds)\s+|(?!(?:de|het|een)\b)[\w-]+\s+)?(?:de|het|een)\s+"
    r"(?:\w+\s+)?\w*(?:aanvraagronde|ronde|openstelling|oproep|aanvraagperiode|tijdvak)\b",
    _I,
)
# The same with the year after the month ("In januari 2018 start voor de clubs een nieuwe ronde
# om subsidie aan te vragen"): upcoming while that month lies after the reference date.
_FRONTED_START_YEAR_RE = re.compile(
    r"\b(?:in|begin|medio|half|eind)\s+(?P<m>"
    + _NL_MONTH
    + r")\s+(?P<y>20\d\d)\s+(?:start|opent|begint)\s+(?:(?:voor|bij)\s+(?:de|het)\s+\w+\s+)?"
    r"(?:de|het|een)\s+(?:\w+\s+)?(?:aanvraagronde|ronde|openstelling|oproep|aanvraagperiode"
    r"|tijdvak)\b",
    _I,
)


def _fronted_start_ahead(text: str, today: date) -> bool:
    """Say whether a round starts in a named month and year after `today`'s month."""
    return any(
        date(int(mt["y"]), MONTHS[mt["m"].lower()], 1) > today
        for mt in _FRONTED_START_YEAR_RE.finditer(text)
    )


# No later call to come: "There are no new opportunities for …", "We are not planning any more
# open calls", "No new calls will be opened", "er komen geen nieuwe oproepen meer" (closed, and no
# announcement; "no more than two calls per applicant" is a limit).
_NO_LATER_RE = re.compile(
    r"\b(?:no|not\s+any)\s+(?:new|more|further)\s+(?:(?!than\b)\w+\s+){0,2}?"
    r"(?:calls?|rounds?|opportunities|openings?)\b"
    r"|\bnot\s+planning\s+(?:any\s+)?(?:more|new|further)\s+(?:\w+\s+)?(?:calls?|rounds?)\b"
    r"|\bgeen\s+(?:nieuwe|verdere)\s+(?:\w+\s+)?(?:oproepen|oproep|rondes?|openstellingen|calls)\b"
    # a reopening denied ("Het Noodfonds gaat niet opnieuw open, meldt het ministerie", news on
    # an emergency fund whose money ran out; "zal niet weer worden opengesteld", "will not
    # reopen"): no announcement, and closed
    r"|\b(?:gaat|gaan|zal|zullen)\s+(?:[\w-]+\s+){0,2}?niet\s+(?:meer\s+|opnieuw\s+|weer\s+){1,2}"
    r"open(?:gaan)?\b"
    r"|\b(?:wordt|worden|zal|zullen)\s+(?:[\w-]+\s+){0,2}?niet\s+(?:meer\s+|opnieuw\s+|weer\s+){1,2}"
    r"(?:worden\s+)?opengesteld\b|\bwill\s+not\s+(?:be\s+)?re-?open(?:ed)?\b",
    _I,
)
# The last call told as held in the past: "In september 2019 vond de laatste oproep … plaats",
# "De laatste oproep was in 2019", "the final call took place in 2018" (closed, guide 7).
_LAST_CALL_RE = re.compile(
    r"\b(?:vond|was)\s+(?:de\s+|het\s+)?laatste\s+(?:oproep|ronde|aanvraagronde|openstelling)\b"
    r"|\blaatste\s+(?:oproep|ronde|aanvraagronde|openstelling)\b[^.\n]{0,80}?\b(?:vond\s+plaats"
    r"|plaatsvond|was\s+in)\b"
    r"|\b(?:last|final)\s+(?:call|round)\b[^.\n]{0,80}?\b(?:took\s+place|was\s+held)\b",
    _I,
)
_WEEKDAYS = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
# Applying possible from a day told only relative to an unknown page date ("kunnen dat vanaf
# morgen doen", "vanaf volgende week kunnen clubs aanvragen", "from tomorrow"): the day cannot
# be resolved (guide 4.3), but the window lies ahead, so upcoming with dates null (guide 7).
_NEAR_START_RE = re.compile(
    r"\bvanaf\s+(?:morgen|overmorgen|volgende\s+week|komende\s+week"
    rf"|(?:komende|aanstaande|volgende)\s+{_WEEKDAYS})\b"
    # the coming-marker after the weekday, as news writes it ("vanaf maandag a.s.", "vanaf
    # vrijdag aanstaande"); "a.s." ends in a dot, so no word boundary after it
    rf"|\bvanaf\s+{_WEEKDAYS}\s+(?:a\.s\.|aanstaande\b)"
    r"|\b(?:from|starting)\s+(?:tomorrow|next\s+week"
    r"|next\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    _I,
)
# ... about applying or a scheme ("subsidie aan willen vragen, kunnen dat vanaf morgen doen") ...
_NEAR_APPLY_RE = re.compile(
    r"aanvra|aan\s+(?:\w+\s+)?vragen|indien|aanmeld|subsidie|regeling|\bloket|\bapply|applica"
    r"|submi|ronde\b|tijdvak|oproep|budget|fonds\b|\bcall\b|\bgrants?\b",
    _I,
)
# ... and neither a stop nor a past ("Vanaf morgen kunt u geen aanvragen meer indienen").
_NEAR_NOT_RE = re.compile(
    r"\b(?:niet|geen|stopt?|sluit|gesloten|no\s+longer|not|closes?|closed|was|werd|kon|konden)\b",
    _I,
)


# The same near day with an opening verb instead of "vanaf" ("Morgen gaat het loket open", "De
# gemeente opent morgen om 9.00 uur het subsidieloket", "Volgende week start de nieuwe ronde").
_NEAR_DAY_RE = re.compile(
    rf"\b(?:morgen|overmorgen|(?:volgende|komende)\s+week|(?:komende|aanstaande)\s+{_WEEKDAYS})\b"
    r"|\b(?:tomorrow|next\s+week)\b",
    _I,
)
_NEAR_OPEN_VERB_RE = re.compile(
    r"\b(?:opent|openen|opens)\b"
    # a start only of a round or period, not of a project ("Het project start morgen")
    r"|\b(?:start|starten|starts|begint|beginnen)\s+(?:\w+\s+){0,3}?(?:\w*ronde|aanvraagperiode"
    r"|tijdvak|openstelling|aanvragen|round|call)\b"
    r"|\b(?:gaat|gaan)\b[^.\n]{0,60}?\b(?:open|van\s+start)\b"
    r"|\b(?:wordt|worden)\b[^.\n]{0,60}?\b(?:opengesteld|open\s+gesteld|geopend)\b|\bwill\s+open\b",
    _I,
)


def _near_start(text: str) -> bool:
    """Say whether a sentence opens applying from tomorrow, next week or a coming weekday."""
    lower = text.lower()
    if any(w in lower for w in ("vanaf", "from", "starting")):
        for mt in _NEAR_START_RE.finditer(text):
            left, right = _sentence_bounds(text, mt.start(), mt.end())
            if _NEAR_APPLY_RE.search(text, left, right) and not _NEAR_NOT_RE.search(
                text, left, right
            ):
                return True
    if not any(w in lower for w in ("morgen", "week", "komende", "aanstaande", "tomorrow")):
        return False
    for mt in _NEAR_DAY_RE.finditer(text):
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if (
            _NEAR_OPEN_VERB_RE.search(text, left, right)
            and _NEAR_APPLY_RE.search(text, left, right)
            and not _NEAR_NOT_RE.search(text, left, right)
        ):
            return True
    return False


# A condition proper, without the forecast words of _CONDITIONAL_RE: an opening the writer
# expects ("De verwachting is dat het loket binnen twee weken zal openen") is still announced.
_IF_RE = re.compile(
    r"\b(?:als|wanneer|zodra|indien|if|once|when|voordat|where|totdat|zolang|tenzij|unless"
    r"|until|as\s+long\s+as|tot\s+(?:het|de|dit|dat))\b[^.]{0,30}$",
    _I,
)


def _announced_forecast(text: str) -> bool:
    """Say whether an announcement is stated, a forecast included, but not as a condition."""
    if "verwacht" not in text.lower():
        return False
    return any(
        not _IF_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _hedged(text, mt.start())
        for mt in _ANNOUNCED_RE.finditer(text)
    )


# An opening verb with a month ("opens in September"): in a sentence of the scheme's habit
# ("Round 3 … which usually opens in September … remains closed") it announces nothing. An
# unknown date with a habit ("Exacte openingsdatum is nog onbekend, meestal begin april") does.
_MONTH_OPENING_RE = re.compile(r"(?:start|opent|begint|gaat\s+open|opens|will\s+open)\s", _I)


def _says_unhabitual(
    rx: re.Pattern[str], text: str, *, unless: re.Pattern[str] | None = None
) -> bool:
    """Like says(), but an opening month told as the scheme's habit is no announcement."""
    if not says(rx, text, unless=unless):
        return False
    for mt in rx.finditer(text):
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if _MONTH_OPENING_RE.match(mt.group()) and _HABIT_RE.search(text, left, right):
            continue
        if unless is not None and unless.search(text, left, right):
            continue
        if not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start()) and not _hedged(
            text, mt.start()
        ):
            return True
    return False


def announced(text: str) -> bool:
    """Say whether the text announces a later window (guide 7, upcoming)."""
    if says(_NO_LATER_RE, text):
        return False  # "No new calls will be opened" denies the announcement
    if (
        _says_unhabitual(_ANNOUNCED_RE, text, unless=_STANDING_RULE_RE)
        or _announces_opening(text)
        or _announces_round(text)
    ):
        return True
    if _announced_forecast(text):
        return True
    if _near_start(text):
        return True
    lower = text.lower()
    return any(w in lower for w in ("start", "opent", "begint")) and says(_FRONTED_START_RE, text)


_UPCOMING_RE = re.compile(
    r"nog\s+niet\s+open|bijna\s+open|binnenkort\s+open|forthcoming|opening\s+soon"
    # not a comparison: "meer aanvragen dan verwacht" says nothing about an opening; not
    # "onverwacht" ("door een onverwacht groot aantal aanvragen", news on an extended scheme),
    # nor a forecast of a closing or of the reach of a running fund ("verwacht op zeer korte
    # termijn te moeten sluiten", "verwacht het fonds zo'n 100.000 huishoudens te kunnen
    # ondersteunen", "verwacht het volledige budget nodig te hebben"), nor the adjective of
    # something else ("Binnen 3 jaar moet de verwachte export ten minste 10 keer het
    # subsidiebedrag bedragen", an RVO DHI page under its "Open voor aanvragen" badge): only an
    # expected opening, closing or publication announces a window
    r"|(?<!dan\s)(?<!\w)verwacht(?!ing|en\b|\s+dat"
    r"|e\s+(?!open|start|sluit|publicatie|aanvraag|indien)"
    r"|(?:[^.\n]|\.(?=\d)){0,80}?\bte\s+(?:moeten\s+|kunnen\s+)?"
    r"(?:sluiten|ondersteunen|helpen|hebben)\b)"
    r"|expected\s+opening|not\s+yet\s+open",
    _I,
)
_OPEN_RE = re.compile(
    r"open\s+voor\s+aanvragen|open\s+for\s+submission|\bnu\s+open\b|\bnow\s+open\b"
    r"|\b(?:is|are)\s+open\s+now\b"
    # applying possible at any time ("Je kunt altijd WBSO aanvragen", "you can always apply")
    r"|\b(?:kun|kunt|kan|kunnen)\s+(?:(?!niet\b)\w+\s+)?altijd\s+(?:[\w-]+\s+){0,4}?(?:aanvragen|indienen)\b"
    r"|\bcan\s+always\s+(?:\w+\s+)?(?:apply|submit)\b"
    # still possible, in English ("It’s still possible to apply for support for international
    # collaboration", a fund's grant page after the scheme was prolonged); not asked
    r"|\b(?:it\s+is|it['’]s)\s+still\s+possible\s+to\s+(?:apply|submit)\b(?![^.\n]*\?)"
    r"|^\s*(?:status:\s*)?(?:aanvraagperiode\s+)?open\s*$|permanent\s+open|doorlopend\s+open"
    r"|het\s+hele\s+jaar\s+door|currently\s+open"
    # a call to apply now ("Vraag dan nu een subsidie aan!", westerkwartier.nl; "Dien nu uw
    # aanvraag in"): the object must be what is applied for, so "Vraag nu alvast eHerkenning
    # aan" (preparing for an opening ahead) is none
    r"|\b(?:vraag|dien)\s+(?:dan\s+)?nu\s+(?:\w+\s+){0,3}?(?:subsidie|aanvraag|bijdrage"
    r"|voucher|vergoeding|tegemoetkoming|\w*budget)\w*\s+(?:\w+\s+){0,3}?(?:aan|in)\b"
    # late applications still taken after a soft cut-off ("Aanvragen die na 1 september binnen
    # komen, worden wel in behandeling genomen", langedijkerdagblad.nl): applying runs on
    r"|\baanvragen\s+die\s+(?:na|later)\b[^.\n]{0,60}?\bworden\s+(?:ook\s+)?(?:wel|nog)\s+"
    r"(?:in\s+behandeling\s+genomen|behandeld)\b"
    # applying possible from now ("Vanaf nu kunnen GGD’en een vervolgimpuls aanvragen …",
    # zonmw.nl), with the applicant and the thing applied for between; not negated
    r"|\bvanaf\s+nu\s+(?:kan|kunt|kunnen)\s+(?!(?:\S+\s+){0,4}?(?:niet|geen)\b)(?:\S+\s+){0,4}?"
    r"(?:aanvragen|indienen|aangevraagd|ingediend)\b"
    # possible for another year than the one whose budget is gone ("… kan er voor 2019 geen
    # subsidie meer worden aangevraagd. Voor 2020 kunt u wel een aanvraag doen",
    # heerhugowaard.nl): "wel" says it can be done now; not asked
    r"|\b(?:kan|kunt|kunnen)\s+(?:u|je|jij|men|er)\s+wel\s+(?:\w+\s+){0,2}?"
    r"(?:aanvraag\s+(?:doen|indienen)|aanvragen|indienen|aangevraagd)\b(?![^.\n]*\?)"
    # a call plainly open, the clause ending there: "Apply now: third call for applications is
    # open!", "Calls are open: …" (not "open to public authorities", "open from 1 May", nor "The
    # question whether a call follows is open")
    r"|\b(?:calls?|rounds?|windows?)(?:\s+(?:for|of)(?:\s+[\w-]+){1,3}?)?\s+(?:is|are)\s+"
    r"(?:now\s+)?open(?=\s*(?:[!.:]|$))"
    # a fund or scheme always open ("… Natuurfonds staat altijd open", natuurkracht.org), not
    # a door open for questions (the fund or scheme must be the subject, in the same clause)
    r"|\b(?:\w*fonds|\w*regeling|\w*loket|subsidie\w*|oproep|fund|scheme)\b[^.\n,;:?!]{0,60}?"
    r"\b(?:staat|staan|is|zijn)\s+altijd\s+open\b|\b(?:fund|scheme)\s+is\s+always\s+open\b"
    # the perfect with the scheme between the verbs and "voor aanvragen" ("… heeft de
    # Stimuleringsregeling … opengesteld voor aanvragen", innofunding.nl 2018); not negated
    r"|\b(?:heeft|hebben)\s+(?:(?!(?:niet|geen|nog)\b)[\w-]+\s+){0,6}?"
    r"\w*(?:regeling|subsidie|fonds|loket)\w*\b(?:(?!\b(?:niet|geen|nog)\b)[^.\n?]){0,80}?"
    r"\bopengesteld\s+voor\s+(?:aanvragen|aanvragers|indiening)\b"
    # an agency taking applications now, said in the progressive: "Enterprise Ireland is now
    # seeking applications", "the fund is currently accepting proposals" (not "no longer")
    r"|\b(?:is|are)\s+(?:now\s+|currently\s+)?(?:seeking|inviting|accepting|welcoming)\s+"
    r"(?:\w+\s+){0,2}?(?:applications|proposals|submissions)\b"
    # "The … Call for proposals 2024 is open to receive … proposals"
    r"|\b(?:is|are)\s+(?:now\s+)?open\s+(?:to\s+(?:receive|accept)|for\s+(?:proposals|applications))\b"
    r"|(?:is|zijn)\s+(?:nu\s+)?(?:opengesteld|geopend)\b(?!\s+(?:op\s+)?(?:maandag|van\s+\d))"
    # open again, a few words between the verbs ("Deze subsidieregeling was enige tijd gesloten
    # maar is voor 2022 weer geopend", plantum.nl on a glastuinbouw fund's HBO scheme); not a day
    # after it ("is weer geopend op 1 mei" tells when)
    r"|\b(?:is|zijn)\s+(?:(?!(?:niet|geen|nog)\b)[\w-]+\s+){0,4}?(?:weer|opnieuw)\s+"
    r"(?:geopend|opengesteld)\b(?!\s+(?:op|van|per|vanaf|tot|tussen)\b)"
    r"|(?:has|have)\s+(?:been\s+)?launched"
    # the Dutch perfect of a launch with the call between the verbs ("De Europese Commissie
    # heeft een oproep voor … het LIFE-programma 2020 gelanceerd", "LIFE heeft zopas haar eerste
    # reeks oproepen geopend"), not negated ("heeft nog geen oproep gelanceerd")
    r"|\b(?:heeft|hebben)\s+(?:(?!\b(?:niet|geen|nog)\b)\w+\s+){0,5}?(?:oproep(?:en)?|calls?)\b"
    r"(?:(?!\b(?:niet|geen|nog)\b)[^.\n?]){0,120}?\b(?:gelanceerd|geopend|opengesteld)\b"
    # the perfect with the scheme between the verbs ("Begin april 2019 is een nieuwe
    # subsidieregeling voor regionale publieke omroepen opengesteld door het ministerie"), not
    # negated and not followed by the day it opens
    r"|\b(?:is|zijn)\s+(?:een\s+|de\s+|het\s+)?(?:nieuwe\s+|tweede\s+|derde\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:\w*regeling|\w*subsidie\w*|oproep|\w*ronde|loket|tijdvak)\b"
    r"(?:(?!\b(?:niet|geen|nog)\b)[^.\n?]){0,60}?\bopengesteld\b(?!\s+(?:op|van|tot|vanaf|per|tussen)\b)"
    r"|\blopend\b|\bloopt\b[^.\n]{0,40}\bdoor\b|status:\s*(?:aanvraagperiode\s+)?open\b"
    # not a condition about calls in general ("Once launched, you can find the deadlines …")
    r"|(?<!\bonce\s)(?<!\bwhen\s)(?<!\bif\s)\blaunched\b|kan\s+men\s+nu\s+indienen|\bnu\s+(?:\w+\s+)?indienen"
    # opened or still open, stated as a fact: "The present call has opened", "all sub-themes are
    # still open to receive applications", "het loket staat nog open"
    # (said of a call or scheme: "the question is still open" is no status)
    r"|\b(?:calls?|rounds?|schemes?|programmes?|windows?|portal|sub-themes?|priorit(?:y|ies)"
    r"|topics?|regeling|loket|oproep|aanvraagperiode|tijdvak|ronde|subsidie\w*)\b[^.\n]{0,80}?"
    r"\b(?:(?:has|have)\s+(?:now\s+)?opened|(?:is|are)\s+still\s+open"
    r"|(?:is|zijn|staat|staan)\s+(?:\w+\s+)?nog\s+open"
    # open now, said without "nog": "Ronde 3 … staat momenteel open", "Tijdvak 2 is op dit
    # moment opengesteld", "the call is currently open"
    r"|(?:is|zijn|staat|staan|are)\s+(?:momenteel|op\s+dit\s+moment|inmiddels|thans"
    r"|currently)\s+(?:open|opengesteld|geopend)"
    r")\b"
    # applying is still possible, not asked: "Er kunnen gedurende 2016 nog eenmalige subsidies
    # aangevraagd worden" (not "nog niet", not a question)
    r"|\b(?:kan|kunt|kunnen)\b(?:\s+\w+){0,3}?\s+nog\s+(?!niet\b|geen\b)(?:\w+\s+){0,3}?"
    r"(?:worden\s+)?(?:aangevraagd|ingediend)\b(?![^.\n]*\?)"
    # the infinitive with "nog wel" ("U kunt echter nog wel een aanvraag indienen", after the
    # ceiling was reached; also "nog steeds", "nog altijd") and "nu" ("Werkenden van 45 jaar en
    # ouder kunnen nu een ontwikkeladvies aanvragen"); no negation on the way, not asked
    # (an amount may stand between: "U kunt nu een subsidie van maximaal €7.500,- aanvragen")
    r"|\b(?:kan|kunt|kunnen)\b(?:\s+\w+){0,3}?\s+(?:nog\s+(?:wel|steeds|altijd)|nu)\s+"
    r"(?:(?!niet\b|geen\b|nog\b|meer\b|weer\b|opnieuw\b)(?:[\w€-]|[.,](?=[\d-]))+\s+){0,6}?"
    # ("een aanvraag doen" is news wording for applying: "U kunt nog steeds een aanvraag doen
    # voor de BOSA", the ministry quoted on an oversubscribed sports scheme)
    r"(?:aanvragen|indienen|aanvraag\s+doen)\b(?![^.\n]*\?)"
    # applying continuously ("U kunt doorlopend subsidie aanvragen", "doorlopend mogelijk nieuwe
    # wijkaanpakken in te dienen"), not denied ("niet doorlopend") and not asked
    r"|(?<!niet\s)\bdoorlopend\s+(?:mogelijk\s+)?(?:[\w-]+\s+){0,4}?(?:aan\s+te\s+vragen"
    r"|in\s+te\s+dienen|aanvragen|indienen|aanmelden)\b(?![^.\n]*\?)"
    # the budget is not used up, said as a fact: "De pot is echter nog lang niet leeg", "het
    # budget is nog niet op" (not a question)
    r"|\b(?:pot|subsidiepot|budget|subsidiebudget)\s+is\s+(?:\w+\s+){0,2}?nog\s+(?:lang\s+)?niet"
    r"\s+(?:leeg|op|uitgeput)\b(?![^.\n]*\?)"
    # money left for applications, said as a fact: "In bijna alle paragrafen is nog budget
    # beschikbaar voor aanvragen" (not a question)
    r"|\bnog\s+(?:(?!niet\b|geen\b)\w+\s+){0,2}?budget\s+beschikbaar\s+voor\s+(?:nieuwe\s+)?"
    r"aanvragen\b(?![^.\n]*\?)"
    # an amount of the budget said to be left, present tense: "Er is in deze BOSA-regeling dus
    # nog maar liefst 29 miljoen euro budget over" (not "was nog … over", not a question)
    r"|\b(?:is|zijn)\s+(?:(?!niet\b|geen\b)[^.\n?]){0,50}?\bnog\s+(?:maar\s+liefst\s+|ruim\s+"
    r"|ongeveer\s+|zo'?n\s+|circa\s+)?(?:€\s*)?\d[\d.,]*\s+(?:miljoen\s+|mln\s+|duizend\s+)?"
    r"(?:euro\s+)?(?:\w*budget\s+|subsidie\s+)?over\b(?![^.\n]*\?)"
    # open since a moment the writer names ("Sinds maandagochtend 09.00 uur kunnen
    # amateursportclubs zich weer melden voor de BOSA-subsidie", a news item)
    r"|\b(?:sinds|sedert)\b(?:[^.\n]|\.(?=\d)){0,40}?\b(?:kan|kunt|kunnen)\s+(?:(?!niet\b|geen\b)\w+\s+){0,4}?"
    r"(?:aanvragen|indienen|aanmelden|(?:zich\s+)?(?:weer\s+|opnieuw\s+)?melden)\b(?![^.\n]*\?)"
    # possible now, told with "mogelijk" ("Het is nu mogelijk om binnen de regeling MIT een
    # subsidie aan te vragen", "Vanaf nu is het mogelijk om … in te dienen"); no negation on the
    # way ("nu nog niet mogelijk"), not asked, and not a later step ("de vaststelling aan te
    # vragen")
    r"|\b(?:(?:het\s+is|is\s+het)\s+(?:vanaf\s+)?nu|vanaf\s+nu\s+is\s+het)\s+"
    r"(?:(?:ook|weer|opnieuw|eindelijk)\s+)?mogelijk"
    r"(?:(?!\b(?:niet|geen|vaststelling|voorschot|\w*betaling|wijziging|verlenging)\b)[^.\n?])"
    r"{0,120}?\b(?:aan\s+te\s+vragen|in\s+te\s+dienen)\b(?![^.\n]*\?)"
    # open again now ("kunnen nu weer een subsidie … aanvragen")
    r"|\b(?:kan|kunt|kunnen)\s+(?:\w+\s+){0,3}?nu\s+(?:weer|opnieuw)\b(?:[^.\n]|\.(?=\d)){0,80}?"
    r"\b(?:aanvragen|indienen|aangevraagd|ingediend|aanmelden)\b"
    # the infinitive as subject, still possible ("Indienen kan nog, maar houd er rekening mee
    # dat …", a regional news item on a voucher's first day): "nog" ends the clause, so not
    # "nog niet" nor a way of applying ("Indienen kan nog steeds op papier"); not asked
    r"|\b(?:aanvragen|indienen|aanmelden)\s+kan\s+(?:nu\s+|dus\s+)?nog(?=\s*(?:[,;!]|\.(?!\d)|$))"
    r"(?![^.\n]*\?)",
    _I | re.MULTILINE,
)
# Open the whole year: "this can be done all year long", "kan het hele jaar worden ingediend".
_ALL_YEAR_RE = re.compile(
    r"\ball\s+year\s+(?:long|round)\b|\byear[-\s]round\b"
    # "The Mobility Fund is open throughout the year to receive applications", "applications may
    # be made throughout the year" (about applying, not events held throughout the year)
    r"|\b(?:(?:is|are)\s+open|applications?|apply|submit\w*|accepted)\b[^.\n]{0,40}?"
    r"\bthroughout\s+the\s+(?:whole\s+|entire\s+)?year\b"
    # (also the calendar year: "Scholen kunnen het hele kalenderjaar een aanvraag indienen")
    r"|\bhet\s+(?:ge)?hele\s+(?:kalender)?jaar\b(?:\s+\w+){0,2}?\s+(?:worden\s+)?"
    r"(?:ingediend|aangevraagd|indienen|aanvragen)\b"
    # the verb second after the fronted time: "Gedurende het hele jaar kunt u een subsidie …
    # aanvragen" (no negation on the way, not a question)
    r"|\bhet\s+(?:ge)?hele\s+(?:kalender)?jaar\s+(?:door\s+)?(?:kan|kunt|kunnen)\s+(?:u|je|jij|men|er|wij|we)\b"
    r"(?:(?!\b(?:niet|geen|nooit)\b)[^.?\n]){0,80}?\b(?:worden\s+)?"
    r"(?:ingediend|aangevraagd|indienen|aanvragen)\b(?![^.\n]*\?)",
    _I,
)
# A general rule with exceptions ("…, tenzij de regeling een datum noemt", "met uitzondering
# van bijdragen in rondes") or a deadline counted back from the activity ("uiterlijk 13 weken
# vóór de activiteit") or of dates in general ("vóór een bepaalde datum"): a procedure page,
# not the state of one scheme (unknown).
_NOT_ALL_YEAR_RE = re.compile(
    r"\b(?:tenzij|met\s+uitzondering|behalve|unless|except)\b"
    r"|\bbepaalde?\s+(?:datum|tijdvak|periode)\b|\ba\s+(?:certain|given)\s+(?:date|period)\b"
    r"|\b\d+\s+(?:weken|dagen|maanden|weeks|days|months)\s+(?:vóór|voor|voorafgaand|before|prior)",
    _I,
)
# Continuous submission stated for now ("can be submitted at any time", "applications are accepted
# on a rolling basis", "Aanvragen kunnen doorlopend worden ingediend", "indienen kan doorlopend"):
# open without dates (guide 7). Present tense only (kan/kunnen/can/are), so "konden vroeger
# doorlopend worden ingediend" says nothing; a negation on the way ("can no longer be submitted
# at any time", "niet doorlopend") is left out.
_NO_NEG = r"(?:(?!\b(?:niet|geen|no|not|never|nooit)\b)[^.\n])"
_CONTINUOUS_RE = re.compile(
    r"\b(?:can|may)\s+" + _NO_NEG + r"{0,40}?\bbe\s+(?:submitted|made|filed|sent|lodged)\s+"
    r"(?:at\s+any\s+time|on\s+a\s+(?:rolling|continuous|ongoing)\s+basis|continuously)\b"
    # "will be accepting applications for … at any time", "we accept applications at any time"
    r"|\baccept(?:s|ing)?\s+applications\b" + _NO_NEG + r"{0,60}?"
    r"\b(?:at\s+any\s+time|on\s+a\s+(?:rolling|continuous|ongoing)\s+basis|all\s+year\s+round)\b"
    # the active voice with the applicant as subject: "You can submit a project application to
    # the … programme at any time" (no negation between "can" and the verb)
    r"|\b(?:can|may)\s+(?:(?!(?:no|not|never)\b)\w+\s+){0,2}?(?:submit|file|lodge)\s+"
    r"(?:\w+\s+){0,3}?(?:applications?|proposals?)\b" + _NO_NEG + r"{0,80}?\bat\s+any\s+time\b"
    r"|\b(?:is|are)\s+(?:accepted|received|considered|reviewed|assessed)\s+"
    r"(?:at\s+any\s+time|on\s+a\s+(?:rolling|continuous|ongoing)\s+basis|continuously)\b"
    r"|\b(?:kan|kunt|kunnen)\b" + _NO_NEG + r"{0,40}?\b(?:doorlopend|op\s+(?:elk|ieder)\s+moment"
    r"|te\s+allen\s+tijde)\s+(?:\w+\s+){0,2}?(?:worden\s+)?"
    r"(?:ingediend|aangevraagd|indienen|aanvragen)\b"
    # the verb first: "Een dossier indienen kan doorlopend", "Aanvragen kan het hele jaar"
    # (also with the thing applied for between: "Aanvragen van stimuleringsbudget (per
    # actiepunt) kan op elk moment", sportakkoord-denhelder.nl)
    r"|\b(?:indienen|aanvragen|aanvraag\s+indienen)"
    r"(?:\s+(?:van|voor)\s+[^.\n:;]{1,50}?)?\s+(?:kan|is\s+mogelijk)\s+"
    r"(?:\w+\s+)?(?:doorlopend|op\s+(?:elk|ieder)\s+moment|te\s+allen\s+tijde)\b"
    # no fixed dates, the applicant picks the moment: "Je kunt een aanvraag indienen wanneer je
    # dat wilt", "You may submit an application whenever you want"
    r"|\b(?:(?:kan|kunt|kunnen)\s+(?:u|je|jij|men)|(?:u|je|jij|men)\s+(?:kan|kunt|kunnen))\s+"
    r"(?:\w+\s+){0,3}?(?:indienen|aanvragen|doen)"
    r"\s+wanneer\s+(?:u|je|jij)\s+(?:dat\s+|het\s+)?wil(?:t|len)?\b"
    r"|\b(?:can|may)\s+(?:\w+\s+){0,4}?(?:submit|apply|send)\b" + _NO_NEG + r"{0,40}?"
    r"\bwhenever\s+(?:you|they)\s+(?:want|like|wish|choose)\b"
    # a deadline label whose value says there is none: "Deadline voor het indienen van
    # aanvragen: Doorlopende indiening", "Deadline: rolling" (a brochure cover or fact box)
    r"|\b(?:deadline|sluitingsdatum|indiendatum|indieningsdatum|closing\s+date)\b[^.\n:]{0,60}:"
    r"\s*(?:doorlopend(?:e\s+indiening)?|rolling|continuous|ongoing)\b",
    _I,
)
_CONTINUOUS_GATE = (
    "doorlopend",
    "any time",
    "rolling",
    "continuous",
    "ongoing",
    "moment",
    "allen tijde",
    "wanneer",
    "whenever",
)


def _continuous_submission(text: str) -> bool:
    """Say whether the text states that applications can be filed continuously, now, and not
    only under a condition ("als …", "unless …") just before the statement."""
    lower = text.lower()
    if not any(w in lower for w in _CONTINUOUS_GATE):
        return False
    for mt in _CONTINUOUS_RE.finditer(text):
        if not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start()):
            return True
    return False


# A headline that reports the opening without dates: "BOSA regeling 2023 geopend", "Regeling
# X nu opengesteld", "Call for proposals opened" (open, guide 7). Only as a short title line
# near the top, in the perfect ("(is) geopend"), not the future or past of an opening ("wordt
# geopend op 1 mei", "werd in 2019 geopend") nor negated ("nog niet geopend").
_HEADLINE_OPENED_RE = re.compile(
    r"^(?!(?:[^\n]*\b(?:wordt|worden|werd|werden|was|waren|zal|zullen|gaat|gaan|will|was|were"
    r"|niet|geen|not|no|weer|opnieuw|again|soon|binnenkort)\b))"
    r"(?P<head>[^\n.?!:;]{3,90}?)\s+(?:(?:is|zijn|nu|now|has\s+been|have\s+been|officially|officieel)\s+)?"
    r"(?:geopend|opengesteld|opened|open\s+gesteld)\s*!?\s*$",
    _I | re.MULTILINE,
)


# What the headline says opened must be a scheme or round, not a building ("Nieuwe sporthal
# geopend") or a project.
_HEADLINE_SCHEME_RE = re.compile(
    r"regeling|subsidie|loket|oproep|\bcall|tender|fonds|\bfunds?\b|ronde|\bround|tijdvak"
    r"|aanvra|openstelling|grants?\b|programm?e?\b|scheme|voucher",
    _I,
)


def _headline_opened(text: str) -> bool:
    """Say whether one of the first three lines is a headline reporting a scheme's opening."""
    lines = [ln for ln in text.lstrip().split("\n", 6)[:6] if ln.strip()][:3]
    for ln in lines:
        mt = _HEADLINE_OPENED_RE.match(ln.strip())
        if mt is not None and _HEADLINE_SCHEME_RE.search(mt["head"]):
            return True
    return False


_OPEN_BADGE_RE = re.compile(r"^\s*status:\s*(?:aanvraagperiode\s+)?open\s*$", _I | re.MULTILINE)
# An explanation of the portal's status labels is not the status of a call.
_ALL_STATES_RE = (_OPEN_RE, _CLOSED_RE, _UPCOMING_RE)


# Words one of which every match of the pattern contains: a cheap test before the regex,
# which keeps status words from costing more than the dates (throughput target).
_GATES: dict[re.Pattern[str], tuple[str, ...]] = {
    STOPPED_RE: ("plafon", "budget", "pot ", "meer", "gesloten", "closed", "vol", "gestopt",
                 "potje", "beëindigd", "getrokken", "withdrawn", "cancel", "voorbij", "verstreken",
                 "afgelopen", "afgesloten", "no longer", "oversubscribed", "behandeling",
                 "committed", "bereikt", "berikt", "geld", "stopgezet", "dicht", "overtekend",
                 "is op", "op is", "al op", "geheel", "volledig", "overschreden", "pause",
                 "suspended", "on hold", "lege ", "uitgeputte", "opgebruikte", "te klein",
                 "te laag", "afgewezen"),
    _ANNOUNCED_RE: ("later", "volg", "announced", "open", "nog ", "start", "begin", "launch",
                    "verwacht", "kom", "follow", "planned", "scheduled", "foreseen", "voorzien",
                    "bekendgemaakt"),
}  # fmt: skip


_STOP_GATE_RE = first_letter_guard(
    re.compile(
        r"plafond?|budget|pot(?:je)?\b|\bmeer\b|gesloten|closed|\bvol\b|gestopt|beëindigd|getrokken"
        r"|withdrawn|cancel|voorbij|verstreken|afgelopen|afgesloten|no\s+longer|oversubscribed"
        r"|behandeling|committed|\bmaximum\b|\bgeld\b|stopgezet|\bdicht\b|overtekend|\bis\s+op\b"
        r"|\bop\s+is\b|\bal\s+op\b|(?:volledig|geheel)\s+(?:benut|besteed|vergeven|verdeeld|toegekend)|overschreden"
        r"|\bon\s+pause\b|\bpaused\b|\bsuspended\b|\bon\s+hold\b|\bafgewezen\b",
        _I,
    ),
    "abcdgimnopsvw",
)


def says(rx: re.Pattern[str], text: str, *, unless: re.Pattern[str] | None = None) -> bool:
    """Say whether the text states rx as a fact, not as a condition ("als het plafond …") or
    a possibility ("Het kan zijn dat er later een nieuwe ronde komt"); a sentence that `unless`
    matches does not count."""
    gate = _GATES.get(rx)
    if gate is not None:
        lower = text.lower()
        if not any(word in lower for word in gate):
            return False
    return any(
        not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _hedged(text, mt.start())
        and not (unless is not None and unless.search(text, *_sentence_bounds(text, *mt.span())))
        for mt in rx.finditer(text)
    )


# A standing rule for every round, not a coming one: "The first call of the year will open on
# the date specified in the Ministerial Decree on Calls" (screenflanders.be procedure page), "opent
# op de datum vastgesteld in het besluit" (guide 7/9: a procedure page has no status).
_STANDING_RULE_RE = re.compile(
    r"\bon\s+the\s+date\s+(?:specified|laid\s+down|set|stated|fixed|determined)\s+(?:in|by)\b"
    r"|\bop\s+de\s+datum\s+(?:die\s+)?(?:vastgesteld|bepaald|vermeld|genoemd)\s+(?:\w+\s+)?"
    r"(?:in|door|bij)\b"
    # the rounds after it: "Ensuing call(s) in that year will open at 12.00 on the latest
    # submission date for the previous call"
    r"|\bin\s+that\s+year\b",
    _I,
)


def is_stopped(text: str) -> bool:
    """Say whether the text says applications stopped (budget gone, closed, withdrawn)."""
    return bool(stop_positions(text))


def stop_positions(text: str) -> list[int]:
    """Return where the text says applications stopped (facts only, not conditions)."""
    gate = _GATES[STOPPED_RE]
    lower = text.lower()
    if _CLOSING_SOON_RE.search(text):
        return []
    found: set[int] = set(_past_closures(text, lower)) | set(_early_closures(text, lower))
    found.update(_passed_deadlines(text, lower))
    if not any(word in lower for word in gate):
        return sorted(found)
    spans: list[tuple[int, int]] = []
    for gate_hit in _STOP_GATE_RE.finditer(text):  # scan only around the words it needs
        pos = gate_hit.start()
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos)
        start = max(line_start, pos - 70)
        end = min(len(text) if line_end < 0 else line_end, gate_hit.end() + 110)
        if spans and start <= spans[-1][1] and line_start <= spans[-1][0]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    for start, end in spans:
        for mt in STOPPED_RE.finditer(text, start, end):
            lead = max(0, mt.start() - 60)
            if (
                not _CONDITIONAL_RE.search(text, lead, mt.start())
                and not _FUTURE_STOP_RE.search(text, lead, mt.start())
                and not _not_whole_stop(text, mt.start(), mt.end())
                and not _fronted_condition(text, mt.start())
                and not _TRAILING_CONDITION_RE.match(text, mt.end())
                and not _NEGATED_STOP_RE.search(text, max(0, mt.start() - 20), mt.end())
                and not _after_bound(text, mt.start())
                # an earlier round's ("last year's budget was heavily oversubscribed")
                and not _earlier_round_stop(text, mt.start(), mt.end())
                and not _habitual_stop(text, mt.start(), mt.end())
                and not _agreement_concluded(text, mt.start(), mt.end())
                and not _predecessor_withdrawn(text, mt.start(), mt.end())
            ):
                found.add(mt.start())
    return sorted(pos for pos in found if not _hedged(text, pos))


# A sentence that only says a stop may have happened ("Het kan zijn dat de indieningstermijn al
# is verstreken of dat het subsidieplafond … al is bereikt", "It may be that the budget has run
# out"): a caution on a procedure page, not a fact about one scheme.
_HEDGE_START_RE = re.compile(
    r"\W*(?:het\s+)?kan\s+(?:zijn|gebeuren|voorkomen)\s+dat\b|\W*het\s+is\s+mogelijk\s+dat\b"
    r"|\W*it\s+(?:may|might|can|could)\s+(?:be|happen)\s+that\b",
    _I,
)


# The rule for late applications ("Aanvragen die na 1 juli binnenkomen, worden niet meer in
# behandeling genomen"): the deadline it names is the end, no stop now.
_LATE_RULE_RE = re.compile(
    r"\b(?:aanvragen|aanvraag|applications?|proposals?|\w*voorstellen)\s+"
    r"(?:(?:voor|for|van|om)\s+[^.,;\n]{1,60}?\s+)?(?:die|dat|that|which)\s+"
    r"[^.\n]{0,40}?\b(?:na|later\s+dan|te\s+laat|after|late)\b",
    _I,
)


def _after_bound(text: str, pos: int) -> bool:
    """Say whether the sentence holding pos speaks of the time after the window's end."""
    left, _ = _sentence_bounds(text, pos, pos)
    before = text[left:pos]
    return bool(_AFTER_BOUND_RE.search(before) or _LATE_RULE_RE.search(before))


def _hedged(text: str, pos: int) -> bool:
    """Say whether the sentence holding pos opens with a hedge ("Het kan zijn dat …")."""
    left, _ = _sentence_bounds(text, pos, pos)
    return bool(_HEDGE_START_RE.match(text, left, pos))


# An exhaustion said not to happen: "the budget … is not oversubscribed on the first day", "het
# plafond is nog niet overschreden" (a fact about demand, no stop).
_NEGATED_STOP_RE = re.compile(
    r"\b(?:not|never|niet|nooit)\s+(?:\w+\s+)?"
    r"(?:oversubscribed|overschreden|overtekend|exhausted|uitgeput|used\s+up)\b"
    # the subordinate order with the verb last ("Dit neemt niet weg dat het potje nog niet leeg
    # is en aanvragen nog steeds gewoon gedaan kunnen worden", a municipal isolatie page; "omdat
    # de pot nog lang niet op is"): the money is not gone
    r"|\b(?:niet|nooit)\s+(?:(?:helemaal|volledig|geheel)\s+)?(?:leeg|op|bereikt)\s+(?:is|zijn)\b",
    _I,
)


# A closure told in the past tense is a fact even on its own day: "received 41 proposals after its
# closure on 12 July at 12:00", "Het loket sloot op 14 november". (Not "gesloten oproep": in
# Flanders that is a call restricted to named applicants.)
_PAST_CLOSURE_RE = re.compile(
    r"\bafter\s+(?:its|the|their)\s+closure\b|\bna\s+(?:de|zijn|haar)\s+sluiting\b"
    r"|\b(?:loket|oproep|call|tender|\w*ronde|regeling|aanvraagperiode|tijdvak)\w*\s+"
    r"(?:sloot|sloten|closed)\b"
    # the application period reported as held ("In augustus heeft de aanvraagperiode
    # plaatsgevonden voor de subsidie SectorplanPlus-TAZ 2023-2024", a regional care employers'
    # news item): over, so closed; not a round that "zal plaatsvinden" or "vindt plaats"
    r"|\b(?:heeft|hebben)\s+(?:de|het)\s+(?:aanvraag|indienings|inschrijf)\w*(?:periode|ronde"
    r"|termijn|tijdvak)\b[^.?\n]{0,80}?\bplaatsgevonden\b"
    r"|\b(?:aanvraag|indienings|inschrijf)\w*(?:periode|ronde|termijn|tijdvak)\s+(?:[\w-]+\s+){0,8}?"
    r"(?:heeft|hebben)\s+(?:\w+\s+){0,3}?plaatsgevonden\b",
    _I,
)
_PAST_CLOSURE_WORDS = ("closure", "sluiting", "sloot", "sloten", "closed", "plaatsgevonden")


def _past_closures(text: str, lower: str) -> list[int]:
    """Return where the text tells a closure as past (facts only, not conditions)."""
    if not any(w in lower for w in _PAST_CLOSURE_WORDS):
        return []
    return [
        mt.start()
        for mt in _PAST_CLOSURE_RE.finditer(text)
        if not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _FUTURE_STOP_RE.search(text, max(0, mt.start() - 60), mt.start())
    ]


# An early closure told as past, budget gone (guide 7, "Plafond bereikt / early closure"): "omdat
# het plafond was bereikt", "waarmee het budget al direct was overschreden", "in één dag
# uitverkocht", "the budget was exhausted within a day" (not negated on the way).
_EARLY_CLOSURE_RE = re.compile(
    r"\b(?:subsidie)?plafond\s+(?:was|werd|waren)\s+(?:(?:al|direct|meteen|snel|binnen)\s+)*"
    r"bereikt\b"
    r"|\b(?:budget|pot|plafond|funds?|money|geld)\b(?:(?!\b(?:niet|geen|nooit|not|never)\b)[^.\n]){0,100}?"
    r"\b(?:was|waren|werd|werden|were)\s+(?:(?:al|direct|meteen|snel|ruim|volledig|helaas|ook"
    r"|already|quickly|fully)\s+)*(?:uitgeput|overschreden|overtekend|overvraagd|leeg|exhausted"
    r"|oversubscribed|used\s+up|op\b(?!\s+\d))"
    r"|\buitverkocht\b|\bsold\s+out\b"
    # the scheme itself ran full, often within a short time and without a budget noun: "De
    # regeling … was binnen één dag leeg", "Het loket was al na een dag vol"
    r"|\b(?:regeling|loket|ronde|tender|subsidie)\b(?:(?!\b(?:niet|geen|nooit)\b)[^.\n]){0,80}?"
    r"\b(?:was|waren|raakte|raakten)\s+(?:(?:al|direct|meteen|snel)\s+)*"
    r"(?:(?:binnen|na|in)\s+(?:één|een|enkele|twee|drie|\d+|een\s+paar)\s+"
    r"(?:minuten|uur|uren|dag|dagen|week|weken)\s+)?(?:al\s+)?(?:leeg|vol|uitgeput|overtekend)\b"
    # the money gone within a span of time, present or past ("De pot … was binnen een dag leeg",
    # "de subsidie was binnen twee dagen op", "Het budget … was dinsdag al binnen een paar uur op")
    r"|\b(?:\w*budget|pot(?:je)?|subsidie\w*|regeling|geld|bijdrage)\b"
    r"(?:(?!\b(?:niet|geen|nooit|not|never)\b)[^.\n]){0,100}?"
    r"\b(?:was|waren|werd|is|zijn|raakte)\s+(?:\w+\s+){0,2}?" + QUICK_GONE + r"|"
    # the span first ("binnen vijf uur was de pot leeg", "na twee dagen was het geld op")
    r"\b(?:binnen|na)\s+(?:één|een|twee|drie|vier|vijf|zes|enkele|een\s+paar|\d+)\s+"
    r"(?:dag|dagen|uur|uren|week|weken|minuten|kwartier)\s+(?:was|waren|is|zijn)\s+"
    r"(?:het|de|ons)\s+(?:\w*budget|pot(?:je)?|geld|subsidie\w*)\s+(?:al\s+|helemaal\s+)?"
    r"(?:leeg|uitgeput|vergeven|op(?=\s*(?:[.!;,]|$)))"
    # subordinate order in the past, the verb last: "Aanvragen werden afgewezen omdat de pot
    # leeg was", "doordat het budget al uitgeput raakte" (a condition is left out by the caller)
    r"|\b(?:omdat|doordat|aangezien|want)\s+(?:het|de|ons)\s+(?:\w*budget|\w*pot(?:je)?|\w*plafond|geld)\b"
    r"(?:[^.,?\n]{0,40}?\s)??(?:(?:al|alweer|helaas|volledig|snel)\s+)*"
    r"(?:leeg|uitgeput|bereikt|overschreden|op)\s+(?:was|waren|raakte)\b",
    _I,
)
_EARLY_CLOSURE_WORDS = (
    "bereikt", "was ", "waren ", "werd", "were ", "uitverkocht", "sold out", "binnen", "raakte",
)  # fmt: skip
# An earlier round's closure ("Vorig jaar was het budget binnen een week uitgeput") does not stop
# this year's window.
_EARLIER_ROUND_RE = re.compile(
    r"\b(?:vorig|verleden)\s+jaar\b|\bvorige\s+(?:ronde|keer|openstelling|tranche)\b"
    r"|\blast\s+year\b|\bprevious\s+(?:round|call|year)\b",
    _I,
)


# The deadline passed, said with words between ("De deadline voor het indienen van plannen is
# inmiddels verstreken", "The second deadline for applications in Call 1 has now passed"), not
# "is nog niet verstreken". Apart from STOPPED_RE, whose scan around its gate words would
# otherwise have to run around every "deadline" (throughput).
_DEADLINE_PASSED_RE = re.compile(
    r"\b(?:deadline|sluitingsdatum|indieningstermijn|closing\s+date)\b[^.\n]{0,80}?"
    r"\b(?:is\s+(?:(?:inmiddels|nu|al|alweer|helaas)\s+)*(?:voorbij|verstreken|gepasseerd)"
    r"|(?:has|have)\s+(?:(?:now|already)\s+)?passed)\b",
    _I,
)
_DEADLINE_PASSED_WORDS = ("passed", "gepasseerd", "verstreken", "voorbij")


def _passed_deadlines(text: str, lower: str) -> list[int]:
    """Return where the text says the deadline has passed (facts only, not conditions)."""
    if not any(w in lower for w in _DEADLINE_PASSED_WORDS):
        return []
    return [
        mt.start()
        for mt in _DEADLINE_PASSED_RE.finditer(text)
        if not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _FUTURE_STOP_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _not_whole_stop(text, mt.start(), mt.end())
    ]


def _early_closures(text: str, lower: str) -> list[int]:
    """Return where the text tells that the budget ran out (facts only, not conditions)."""
    if not any(w in lower for w in _EARLY_CLOSURE_WORDS):
        return []
    return [
        mt.start()
        for mt in _EARLY_CLOSURE_RE.finditer(text)
        if not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
        and not _not_whole_stop(text, mt.start(), mt.end())
        and not _EARLIER_ROUND_RE.search(
            text, _sentence_bounds(text, mt.start(), mt.end())[0], mt.end()
        )
    ]


# ... unless compared with this round ("Unlike last year, this year's budget is already
# oversubscribed", "Net als vorig jaar is het plafond bereikt"): then the stop is now.
_COMPARED_RE = re.compile(
    r"\b(?:like|as\s+in|unlike|net\s+als|zoals|evenals|anders\s+dan|in\s+tegenstelling\s+tot"
    r"|ook)\s+(?:\w+\s+)?$",
    _I,
)
_THIS_ROUND_RE = re.compile(
    r"\b(?:dit\s+jaar|deze\s+(?:ronde|keer)|this\s+(?:year|round|time)|nu\s+al|already)\b", _I
)


def _earlier_round_stop(text: str, start: int, end: int) -> bool:
    """Say whether a stop phrase is told of an earlier round, not compared with this one."""
    left, right = _sentence_bounds(text, start, end)
    earlier = _EARLIER_ROUND_RE.search(text, left, end)
    if earlier is None or _THIS_ROUND_RE.search(text, left, right):
        return False
    return not _COMPARED_RE.search(text, max(left, earlier.start() - 30), earlier.start())


# A stop told as what usually happens, from earlier rounds ("Onze ervaring leert dat het
# subsidieplafond op de eerste dag wordt overschreden", "Meestal is het budget binnen een dag
# uitgeput", "Experience shows that the budget is usually oversubscribed"): an expectation, not
# a stop of this round, unless the sentence names this round ("Zoals vaak is het budget dit jaar
# al op").
_HABITUAL_STOP_RE = re.compile(
    r"\b(?:ervaring\s+(?:leert|wijst\s+uit|toont\s+aan|laat\s+zien)|uit\s+ervaring"
    r"|experience\s+(?:shows|tells|teaches)|meestal|doorgaans|gewoonlijk|in\s+de\s+regel"
    r"|usually|typically|normally|as\s+a\s+rule)\b",
    _I,
)


# An agreement said to be concluded ("waarvoor een anterieure overeenkomst is gesloten door het
# college vóór 16 maart 2023", noord-holland.nl; "Het convenant is gesloten op 3 juni"): the
# agreement was signed, the scheme did not close.
_AGREEMENT = (
    r"\b(?:overeenkomst|samenwerkingsovereenkomst|convenant|contract|samenwerkingsagenda)"
    r"(?:en|s)?\b"
)
_AGREEMENT_LEAD_RE = re.compile(_AGREEMENT + r"[^.;\n]{0,60}$", _I)
# The same in a sentence, for the status words.
_NOT_SCHEME_CLOSED_RE = re.compile(
    rf"{_OFFICE_CLOSED_RE.pattern}|{_AGREEMENT}[^.;\n]{{0,80}}?\bgesloten\b"
    # a closure the same sentence undoes: "was enige tijd gesloten maar is voor 2022 weer
    # geopend" (the reopening is the state now)
    r"|\bgesloten\b[^.;\n]{0,60}?\b(?:maar|doch)\s+(?:[\w-]+\s+){0,2}?(?:is|zijn)\s+"
    r"(?:(?!(?:niet|geen|nog)\b)[\w-]+\s+){0,3}?(?:weer|opnieuw)\s+(?:geopend|opengesteld)\b",
    _I,
)


def _agreement_concluded(text: str, start: int, end: int) -> bool:
    """Say whether a "gesloten" stop phrase is said of an agreement, not of the scheme."""
    return "gesloten" in text[start:end].lower() and bool(
        _AGREEMENT_LEAD_RE.search(text, max(0, start - 60), start)
    )


def _habitual_stop(text: str, start: int, end: int) -> bool:
    """Say whether a stop phrase is told as what usually happens, not of this round."""
    left, right = _sentence_bounds(text, start, end)
    return bool(_HABITUAL_STOP_RE.search(text, left, end)) and not _THIS_ROUND_RE.search(
        text, left, right
    )


# The regulation a new one replaces, withdrawn when the new one takes effect ("Met de
# inwerkingtreding van de regeling zal de huidige Subsidieregeling … 2010 worden ingetrokken",
# innopartner.nl on NIOF 2013): the predecessor's end, no stop of the scheme the text is about.
_PREDECESSOR_RE = re.compile(
    r"\b(?:huidige|vorige|oude|bestaande|voorgaande|geldende)\s+(?:[\w-]+\s+){0,3}?"
    r"\w*(?:regeling|verordening|besluit)\b",
    _I,
)
_WITHDRAWN_RE = re.compile(r"ingetrokken|beëindigd|vervallen", _I)


def _predecessor_withdrawn(text: str, start: int, end: int) -> bool:
    """Say whether a withdrawal stop is told of the regulation that a new one replaces."""
    if not _WITHDRAWN_RE.match(text, start):
        return False
    left, _right = _sentence_bounds(text, start, end)
    return bool(_PREDECESSOR_RE.search(text, left, start))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the sentence (or line) around text[start:end]."""
    dot = text.rfind(". ", 0, start)  # at the text's start the sentence starts at 0, not 1
    left = max(text.rfind("\n", 0, start) + 1, dot + 2 if dot >= 0 else 0)
    stops = [i for i in (text.find("\n", end), text.find(". ", end)) if i >= 0]
    return left, min(stops, default=len(text))


# A fronted condition before a comma: "Zodra het plafond is bereikt, kan er geen subsidie meer
# worden aangevraagd" (not "Als gevolg van …").
_FRONTED_CONDITION_RE = re.compile(
    r"^\W*(?:als(?!\s+gevolg)|wanneer|zodra|indien|if|once|unless|tenzij)\b[^.\n]*,", _I
)


# A condition right after the stop phrase makes it a rule, not a fact: "Een aanvraag wordt niet
# meer in behandeling genomen als uw project al is gestart" (a procedure page, no stop). Not a
# widened stop: "niet meer mogelijk, ook niet als u al begonnen bent".
_TRAILING_CONDITION_RE = re.compile(
    r"[\s,]*(?:(?!(?:ook|niet|zelfs|also|not|even)\b)[^\W\d]+\s+){0,2}?(?:als(?!\s+gevolg)"
    r"|indien|wanneer|zodra|if|when|once|unless|tenzij)\b",
    _I,
)


def _fronted_condition(text: str, start: int) -> bool:
    """Say whether the sentence before start is a fronted condition ended by a comma."""
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    return bool(_FRONTED_CONDITION_RE.search(text[left:start]))


# A stop scoped to one subsidy year ("Aanvragen voor 2024 is niet meer mogelijk") while the text
# lets you apply for a later year ("U kunt tot en met 1 februari 2025 leefbaarheidssubsidie voor
# 2025 aanvragen"): the stop is the earlier round's, not the scheme's.
_STOP_YEAR_RE = re.compile(r"\bvoor\s+(?:het\s+(?:subsidie)?jaar\s+)?(?P<y>(?:19|20)\d\d)\b", _I)
_APPLY_FOR_YEAR_RE = re.compile(
    r"\b(?:voor|for)\s+(?:het\s+(?:subsidie)?jaar\s+)?(?P<y>(?:19|20)\d\d)\s+"
    r"(?:\w+\s+){0,2}?(?:aanvragen|aanvraag|indienen|aan\s+te\s+vragen|apply)\b"
    r"|\b(?:aanvragen|aanvraag|indienen)\s+(?:\w+\s+){0,3}?voor\s+(?:het\s+jaar\s+)?(?P<y2>(?:19|20)\d\d)\b",
    _I,
)


def _earlier_year_stop(text: str, left: int, right: int) -> bool:
    """Say whether the stop sentence names a subsidy year that the text applies for later."""
    scoped = _STOP_YEAR_RE.search(text, left, right)
    if scoped is None:
        return False
    year = int(scoped["y"])
    for mt in _APPLY_FOR_YEAR_RE.finditer(text):
        if left <= mt.start() < right:
            continue
        if int(mt["y"] or mt["y2"]) > year:
            return True
    return False


def _not_whole_stop(text: str, start: int, end: int) -> bool:
    """Say whether a stop phrase is about part of the scheme only, or a forecast under a
    heading: "Voor de regio's X is het plafond bereikt", "Plafond bereikt\nWe verwachten …"."""
    left, right = _sentence_bounds(text, start, end)
    if _PARTIAL_RE.search(text, left, right):
        return True
    if _OFFICE_CLOSED_RE.search(text, left, end):
        return True  # "Our offices are closed on 25 December": office hours, no stop
    if _earlier_year_stop(text, left, right):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0 or line_end - line_start > 40:
        return False
    nxt_end = _sentence_bounds(text, line_end + 1, line_end + 1)[1]
    return bool(_FORECAST_RE.search(text, line_end + 1, nxt_end))


def _span(w: ExtractedWindow, today: date) -> tuple[date | None, date | None]:
    """Return the first and last possible day of a window, vague ones by their period."""
    if w.precision not in VAGUE:
        return w.opens, w.closes
    if w.period_end is None and w.period_start is not None and w.period_start <= today:
        return None, None  # "vanaf januari 2023" says nothing about now
    return w.period_start, w.period_end


def order_key(w: ExtractedWindow, today: date) -> date:
    """Sort windows in time order: by closing day, else opening day."""
    start, end = _span(w, today)
    return end or start or date.max


def _ended(w: ExtractedWindow, today: date, stopped: bool) -> bool:
    start, end = _span(w, today)
    if end is not None and end < today:
        return True
    return (
        (stopped or w.stopped)
        and (start is None or start <= today)
        and (end is None or end >= today)
    )


def window_state(w: ExtractedWindow, today: date, stopped: bool) -> str | None:
    """Return open/upcoming/closed for one window at `today`, None when it has no dates."""
    start, end = _span(w, today)
    if start is None and end is None:
        return None
    if _ended(w, today, stopped):
        return "closed"
    if start is not None and start > today:
        return "upcoming"
    return "open"


def top_window(
    windows: Sequence[ExtractedWindow], today: date, stopped: bool
) -> ExtractedWindow | None:
    """Pick the first window in time order not ended at `today`, else the last one."""
    timed = [w for w in windows if any(_span(w, today))]
    if not timed:
        return None
    live = [w for w in timed if not _ended(w, today, stopped)]
    if not live:
        return max(timed, key=lambda w: order_key(w, today))
    first = min(live, key=lambda w: order_key(w, today))
    # Windows that run side by side are for different schemes or groups (guide 2): the
    # first-listed one wins over a later-listed one that happens to close earlier. A month-only
    # window does not win over a dated one beside it ("kraamzorg pas per april 2022 … Het eerste
    # tijdvak loopt van 1 maart t/m 30 april"): its dates would be dropped for the known ones.
    if first.precision in VAGUE:
        first = next(
            (w for w in live if w.precision not in VAGUE and _overlap(w, first, today)), first
        )
    dated = first.precision not in VAGUE
    return next(
        w
        for w in live
        if w is first or (_overlap(w, first, today) and not (dated and w.precision in VAGUE))
    )


def _overlap(a: ExtractedWindow, b: ExtractedWindow, today: date) -> bool:
    """Say whether two windows run side by side; deadlines alone are rounds in sequence."""
    (a0, a1), (b0, b1) = _span(a, today), _span(b, today)
    if a0 is None and b0 is None:
        return False
    return (a0 is None or b1 is None or a0 <= b1) and (b0 is None or a1 is None or b0 <= a1)


def _opens_later(top: ExtractedWindow, windows: Sequence[ExtractedWindow], today: date) -> bool:
    """Say whether a lone deadline ahead waits for an opening written apart from it: "the
    deadline is 15 September … The official call will be published next 1st June" (the call
    is not out yet, so the window has not started: upcoming)."""
    if top.opens is not None or top.closes is None or top.precision in VAGUE:
        return False
    closes = top.closes
    return any(
        w.opens is not None and w.closes is None and w.precision not in VAGUE
        and today < w.opens <= closes
        for w in windows
    )  # fmt: skip


_MONTH_NAMES = "|".join([*FULL_MONTHS, "may"])  # "launched in May" is the month
# The call itself announced to open in a month without a day: "It should be launched in May and
# close by mid-June 2018", "The call is expected to open in February", "De oproep wordt in maart
# opengesteld".
_LAUNCH_MONTH_RE = re.compile(
    r"\b(?:will|should|shall|(?:is|are)\s+(?:expected|scheduled|planned|due)\s+to)\s+(?:be\s+)?"
    r"(?:opened|launched|open|launch)\s+in\s+(?:early\s+|mid-?\s*|late\s+)?"
    rf"(?P<m>{_MONTH_NAMES})\b"
    r"|\b(?:zal|zullen|wordt|worden)\s+(?:\w+\s+){0,3}?(?:in|begin|medio|eind)\s+"
    rf"(?P<nl>{_MONTH_NAMES})\s+(?:worden\s+)?(?:opengesteld|geopend|gelanceerd)\b"
    # the present for the future, the call as subject: "De subsidieoproep voor … verschijnt in
    # maart online" (icthealth.nl), "De oproep opent in april"
    r"|\b\w*(?:oproep|ronde|regeling|call)\b[^.\n]{0,100}?\b(?:verschijnt|opent|start)\s+"
    rf"(?:\w+\s+)?(?:in|begin|medio|eind)\s+(?P<ps>{_NL_MONTH})\b"
    # the month fronted, the call after the verb and its subject: "In augustus opent ZonMw een
    # nieuwe subsidieronde" (icthealth.nl)
    rf"|\b(?:in|begin|medio|eind)\s+(?P<fr>{_NL_MONTH})\s+(?:opent|verschijnt|start)\s+"
    r"(?:\w+\s+){0,2}?(?:de|het|een)\s+(?:\w+\s+)?\w*(?:ronde|oproep|regeling)\b",
    _I,
)


# A fronted year part or month with its year, then "kunt u … aanvragen": applying starts then
# ("Eind 2019 kunt u hier subsidie aanvragen … De deadline voor aanvragen is 6 januari 2020",
# "Vanaf maart 2026 kunnen verenigingen een aanvraag indienen"). The part gives the earliest
# day it can mean: begin -> 1 January, medio/half -> 1 June, eind -> 1 October.
_FRONTED_START_PART_RE = re.compile(
    r"(?:^|[.!?]\s+)(?:vanaf\s+|in\s+)?(?:(?P<part>begin|medio|half|eind)\s+)?"
    rf"(?:(?P<month>{_MONTH_NAMES})\s+)?(?P<year>20\d\d)\s*,?\s+(?:kunt|kan|kunnen)\s+"
    r"(?!(?:\w+\s+){0,6}?(?:niet|geen)\b)(?:\w+\s+){1,6}?(?:aanvragen|indienen|aanvraag\s+doen)\b",
    _I | re.MULTILINE,
)
_PART_START_MONTH = {"begin": 1, "medio": 6, "half": 6, "eind": 10}


def _launch_month_ahead(top: ExtractedWindow, text: str, today: date) -> bool:
    """Say whether a lone deadline ahead belongs to a call announced to open in a month that
    has not come yet and lies before the deadline (guide 7: not started, so upcoming). A month
    after the deadline is a later window ("gaat in september weer open"), not this one's."""
    if top.opens is not None or top.closes is None or top.precision in VAGUE:
        return False
    closes = top.closes
    for mt in _LAUNCH_MONTH_RE.finditer(text):
        month = MONTHS[(mt["m"] or mt["nl"] or mt["ps"] or mt["fr"]).lower()]
        year = closes.year if month <= closes.month else closes.year - 1
        if today < date(year, month, 1):
            return True
    low = text.lower()
    if "kun" not in low and "kan" not in low:
        return False
    for mt in _FRONTED_START_PART_RE.finditer(text):
        if mt["month"]:
            month = MONTHS[mt["month"].lower()]
        else:
            month = _PART_START_MONTH.get((mt["part"] or "begin").lower(), 1)
        start = date(int(mt["year"]), month, 1)
        if today < start <= closes:
            return True
    return False


# Applying possible from a month ahead, the day left open: "O&O-fondsen en sociale partners
# kunnen vanaf begin oktober aanvragen indienen" (rijksoverheid.nl on ESF+ 2023, the deadline
# "tot eind januari 2024" in a later paragraph), "Vanaf medio maart kunnen werkgevers … aanvragen".
# The opening is null (guide 4.3) but it says the window has not started (guide 7: upcoming).
_FROM_MONTH = (
    r"\bvanaf\s+(?:(?:begin|medio|half|midden|eind|einde)\s+)?"
    rf"(?P<month>{_MONTH_NAMES})(?:\s+(?P<year>20\d\d))?\b"
)
_FROM_MONTH_APPLY_RES = (
    # the verb first: "kunnen vanaf begin oktober aanvragen indienen"
    re.compile(
        r"\b(?:kan|kunt|kunnen)\s+(?:(?!(?:niet|geen|al|nog)\b)[\w&-]+\s+){0,3}?"
        + _FROM_MONTH
        + r"\s+(?:(?!(?:niet|geen)\b)[\w-]+\s+){0,4}?(?:aanvragen|indienen|aanvraag\s+doen)\b",
        _I,
    ),
    # the month fronted: "Vanaf medio maart kunnen werkgevers een aanvraag indienen"
    re.compile(
        r"(?:^|[.!?]\s+)" + _FROM_MONTH + r"\s+(?:kan|kunt|kunnen)\s+"
        r"(?:(?!(?:niet|geen)\b)[\w&()-]+\s+){1,6}?(?:aanvragen|indienen|aanvraag\s+doen)\b",
        _I | re.MULTILINE,
    ),
)


def _from_month_ahead(top: ExtractedWindow, text: str, today: date) -> bool:
    """Say whether a lone deadline ahead belongs to applying "vanaf (begin) <month>" in a month
    still to come before that deadline (the opening itself has no day, so it stays null)."""
    if top.opens is not None or top.closes is None or top.precision in VAGUE:
        return False
    if "vanaf" not in text.lower():
        return False
    closes = top.closes
    for rx in _FROM_MONTH_APPLY_RES:
        for mt in rx.finditer(text):
            month = MONTHS[mt["month"].lower()]
            if mt["year"]:
                year = int(mt["year"])
            else:
                year = closes.year if month <= closes.month else closes.year - 1
            if today < date(year, month, 1) <= closes:
                return True
    return False


def status_on(windows: Sequence[ExtractedWindow], today: date, text: str = "") -> str:
    """Derive the status at `today`: from the windows first, then from status words.

    As ``extract_windows`` does: a stop phrase closes only the window it stands next to (the
    windows carry it as ``stopped``), so the status of an extraction re-derived on its own day
    is the one it reported, and the stop decides alone only for a text without dated windows.
    """
    text = join_wrapped_lines(clean_text(text)) if text else ""
    return status_of_clean(windows, today, text, is_stopped(text), scoped=True)


def status_of_clean(
    windows: Sequence[ExtractedWindow],
    today: date,
    text: str,
    stopped: bool,
    *,
    scoped: bool = False,
) -> str:
    """Apply the status rule to already cleaned text whose stop words were looked up.

    `scoped`: the windows carry their own `stopped` flag (a stop phrase belongs to the window
    it stands next to), so `stopped` only decides for texts without dated windows.
    """
    every = stopped and not scoped
    top = top_window(windows, today, every)
    state = window_state(top, today, every) if top is not None else None
    if (
        state == "upcoming"
        and top is not None
        and top.opens is None
        and top.closes is None
        and _FURTHER_CALLS_RE.search(top.snippet)
        and _OPEN_RE.search(_without(text, top.snippet))
    ):
        return "open"  # calls open now; "further calls … in early 2022" are later ones
    if state == "closed" and top is not None:
        rest = _without_own_month(_without(text, top.snippet), top)
        # a later round by year only ("In 2022 is het weer mogelijk om subsidie aan te vragen")
        if announced(rest) or _year_ahead(rest, today):
            return "upcoming"
    # only a season or month ahead ("sluitingsdata in het najaar 2028"): an announcement
    # without days ("precieze data zijn nog niet bekend") makes it upcoming (guide 7)
    vague = top is not None and top.opens is None and top.closes is None
    if state == "open" and vague and announced(text):
        return "upcoming"
    if (
        state == "open"
        and top is not None
        and (
            _opens_later(top, windows, today)
            or _launch_month_ahead(top, text, today)
            or _from_month_ahead(top, text, today)
        )
    ):
        return "upcoming"
    if state is not None:
        return state
    if (
        not stopped
        # a scheme said to run now ("loopt sinds …") is open, also when it goes on next year
        and not _CONTINUES_RE.search(text)
        and (
            _year_ahead(text, today)
            or _rounds_ahead(text, today)
            or _next_round_ahead(text, today)
            or _fronted_start_ahead(text, today)
        )
    ):
        return "upcoming"
    words = words_status(text, stopped)
    if (
        words == "unknown"
        and not stopped
        and (_runs_until_year(text, today) or _applying_this_year(text, today))
    ):
        return "open"
    return words


# The scheme running up to a year not yet over, said in the present ("De subsidieregeling loopt
# tot eind 2024", a local broadcaster on Zonnig Zuid-Holland with extra budget; "Het fonds loopt
# nog tot en met 2027"): no day (guide 4.3), but the scheme takes applications now (guide 7:
# open). The past ("liep tot") or a year already gone says nothing.
_RUNS_UNTIL_YEAR_RE = re.compile(
    r"\b(?:\w*regeling|subsidie\w*|\w*fonds|loket|programma)\b(?:\s+[\w-]+){0,4}?\s+loopt\s+(?:nog\s+)?"
    r"(?:tot\s+(?:en\s+met\s+)?|t/m\s+)(?:(?:het\s+)?(?:eind|einde)\s+(?:van\s+)?)?"
    r"(?P<year>20\d\d)\b(?![^.\n]*\?)",
    _I,
)


def _runs_until_year(text: str, today: date) -> bool:
    """Say whether the text says the scheme runs (present tense) up to a year not yet over."""
    if "loopt" not in text.lower():
        return False
    return any(int(mt["year"]) >= today.year for mt in _RUNS_UNTIL_YEAR_RE.finditer(text))


# Applying said to be possible in years that include this one, no day ("In de periode 2021-2023
# kunt u subsidie aanvragen", "In de periode 2022-2025 kunt u ieder jaar een aanvraag indienen",
# "U kunt in 2021 subsidie aanvragen", municipal klimaatadaptatie pages): year-only (guide 4.3),
# but the scheme takes applications now (guide 7: open). A later year is _YEAR_AHEAD_RE's; past
# tense, negation and questions say nothing.
_NO_NEG_APPLY = (
    r"(?:(?!\b(?:niet|geen|kon|konden)\b)[^.\n?]){0,80}?\b(?:aanvragen|indienen|aanvraag\s+doen)\b"
)
_APPLY_YEARS_RE = re.compile(
    r"\b(?:in|gedurende)\s+(?:de\s+(?:periode|jaren)\s+)?(?P<y1>20\d\d)\s*(?:-|–|t/m|tot\s+en\s+met)"
    r"\s*(?P<y2>20\d\d)\s*,?\s+(?:kunt|kunnen|kan)\b" + _NO_NEG_APPLY + r"(?![^.\n]*\?)"
    # the modal first, the single year after it: "U kunt in 2021 subsidie aanvragen"
    r"|\b(?:kunt|kunnen|kan)\s+(?:(?:u|je|jij|men|er|ook|inwoners|bewoners|eigenaren)\s+){0,2}?"
    r"(?:in|gedurende)\s+(?P<y>20\d\d)\b" + _NO_NEG_APPLY + r"(?![^.\n]*\?)"
    # the whole (calendar) year named ("Aanvragen kunnen gedurende het hele kalenderjaar 2024
    # worden gedaan", apeldoorn.nl on peuteropvang; "kunnen het hele kalenderjaar 2025 subsidie
    # aanvragen"): the applications as subject with a passive verb, or the modal first
    r"|\b(?:aanvragen|aanvraag)\s+(?:kunnen|kan)\s+(?:\w+\s+){0,2}?(?:gedurende\s+|in\s+)?"
    r"het\s+(?:ge)?hele\s+(?:kalender)?jaar\s+(?P<yw>20\d\d)\s+(?:worden\s+)?"
    r"(?:gedaan|ingediend|aangevraagd)\b(?![^.\n]*\?)"
    r"|\b(?:kunt|kunnen|kan)\s+(?:(?!(?:niet|geen)\b)\w+\s+){0,2}?(?:gedurende\s+|in\s+)?"
    r"het\s+(?:ge)?hele\s+(?:kalender)?jaar\s+(?P<ym>20\d\d)\b" + _NO_NEG_APPLY + r"(?![^.\n]*\?)",
    _I,
)


def _applying_this_year(text: str, today: date) -> bool:
    """Say whether the text says applying is possible in years that include `today`'s."""
    lower = text.lower()
    if "kunt" not in lower and "kunnen" not in lower and "kan" not in lower:
        return False
    for mt in _APPLY_YEARS_RE.finditer(text):
        one = mt["y"] or mt["yw"] or mt["ym"]
        first, last = (mt["y1"], mt["y2"]) if mt["y1"] else (one, one)
        if int(first) <= today.year <= int(last):
            return True
    return False


# Rounds of a named year given by month only ("De SLIM-subsidie voor mkb's heeft in 2021 weer
# twee aanvraagrondes: een in maart en een in september"): no day (guide 4.3), but a round
# still ahead is a known future window without dates (guide 7: upcoming). Told in the present
# or future tense only, so past rounds ("waren … rondes") stay out.
_ROUNDS_YEAR_RE = re.compile(
    r"\b(?:in|voor)\s+(?P<year>20\d\d)\b(?:(?!\b(?:niet|geen|was|waren|werd|werden)\b)[^.\n?]){0,60}?"
    r"\b(?:\w*rondes?|\w*tijdvak(?:ken)?|openstellingen)\b[^.\n?]{0,80}",
    _I,
)
_ROUND_MONTH_RE = re.compile(rf"\bin\s+(?P<m>{_NL_MONTH})\b", _I)


def _rounds_ahead(text: str, today: date) -> bool:
    """Say whether rounds of a year are given by months of which one lies after `today`."""
    for mt in _ROUNDS_YEAR_RE.finditer(text):
        year = int(mt["year"])
        for mm in _ROUND_MONTH_RE.finditer(mt.group(0)):
            if date(year, MONTHS[mm["m"].lower()], 1) > today:
                return True
    return False


# A next round named by month and year ("Eerstvolgende ronde: januari en februari 2023", a
# literacy network's page on Tel mee met Taal; "Volgende aanvraagronde: september 2025"): no day
# (guide 4.3), but a known future window (guide 7: upcoming) once its first month lies ahead.
_NEXT_ROUND_MONTH_RE = re.compile(
    r"\b(?:eerst)?volgende\s+(?:\w*ronde|\w*tijdvak|openstelling|aanvraagperiode)\b\s*"
    r"(?::\s*|(?:is|start|opent|begint)\s+)?(?:(?:in|vanaf|begin|medio|eind)\s+)?"
    rf"(?P<m>{_NL_MONTH})(?:\s+(?:en|t/m|tot(?:\s+en\s+met)?|[-–])\s+{_NL_MONTH})?\s+(?P<y>20\d\d)\b",
    _I,
)


def _next_round_ahead(text: str, today: date) -> bool:
    """Say whether a next round is named by a month and year that lie after `today`."""
    if "volgende" not in text.lower():
        return False
    return any(
        date(int(mt["y"]), MONTHS[mt["m"].lower()], 1) > today
        for mt in _NEXT_ROUND_MONTH_RE.finditer(text)
    )


# Applying said to become possible in a later year, without a day ("in 2019 kunnen ze gratis
# een ontwikkeladvies aanvragen", "Vanaf 2027 kunnen gemeenten een aanvraag indienen"): a known
# future window without dates (guide 7: upcoming). No negation on the way, not asked.
_YEAR_AHEAD_RE = re.compile(
    r"\b(?:in|vanaf|per)\s+(?P<year>20\d\d)\s*,?\s+(?:kunnen|kan|kunt)\b"
    r"(?:(?!\b(?:niet|geen)\b)[^.\n?]){0,80}?\b(?:aanvragen|indienen|aanvraag\s+doen)\b"
    r"(?![^.\n]*\?)"
    # the same with "mogelijk": "Ook in 2019 is het mogelijk om subsidie aan te vragen" (not
    # "is het niet mogelijk", nor "was het mogelijk")
    r"|\b(?:in|vanaf|per)\s+(?P<year2>20\d\d)\s*,?\s+(?:is|wordt)\s+het\s+"
    r"(?:(?:ook|weer|opnieuw|wederom|nog)\s+)*mogelijk\b"
    r"(?:(?!\b(?:niet|geen)\b)[^.\n?]){0,80}?\b(?:aan\s+te\s+vragen|in\s+te\s+dienen)\b"
    r"(?![^.\n]*\?)",
    _I,
)


def _year_ahead(text: str, today: date) -> bool:
    """Say whether the text says applying becomes possible in a year after `today`'s."""
    return any(int(mt["year"] or mt["year2"]) > today.year for mt in _YEAR_AHEAD_RE.finditer(text))


# Later calls named as further ones ("Further calls will be published in early 2022"): another
# round beside the one open now (guide 2), whose season or year does not make the open call
# upcoming.
_FURTHER_CALLS_RE = re.compile(
    r"\b(?:further|additional|more|other|next|later)\s+(?:\w+\s+)?(?:calls?|rounds?)\b"
    r"[^.\n]{0,40}?\b(?:will|are\s+(?:expected|planned|scheduled))\b",
    _I,
)


def _without(text: str, snippet: str) -> str:
    """Drop an ended window's own sentence before looking for an announcement: a page written
    before the window ran says it "will be open from 14 July until 14 September" about that
    window itself, not about a later one."""
    return text.replace(snippet, " ") if snippet else text


# An opening announced for the ended window's own month, written before it ran ("De laatste
# aanvraagronde voor de MDIEU gaat in september open … De ronde staat open van 2 tot en met 27
# september 2024", a consultant's page read in October): that month is the window itself, no
# later round. A reopening ("gaat in september weer open"), a next round or another year stays
# an announcement.
_OWN_MONTH_RE = re.compile(
    rf"\b(?:in|begin|medio|half|eind)\s+(?:de\s+maand\s+)?(?P<m>{_NL_MONTH})\b"
    r"(?:\s+(?P<y>20\d\d)\b)?",
    _I,
)
_AGAIN_RE = re.compile(r"\b(?:weer|opnieuw|wederom|volgende|eerstvolgende|again|next)\b", _I)


def _without_own_month(text: str, top: ExtractedWindow) -> str:
    """Drop the sentences that announce an opening in the ended top window's own month."""
    days = [d for d in (top.opens, top.closes) if d is not None]
    if not days:
        return text
    cut: list[tuple[int, int]] = []
    for mt in _OWN_MONTH_RE.finditer(text):
        month, year = MONTHS[mt["m"].lower()], mt["y"]
        if not any(d.month == month and (year is None or d.year == int(year)) for d in days):
            continue
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if not _AGAIN_RE.search(text, left, right):
            cut.append((left, right))
    for left, right in sorted(set(cut), reverse=True):
        text = f"{text[:left]} {text[right:]}"
    return text


# Applying still possible despite a stop said before it ("Het subsidieplafond … is bereikt. U kunt
# echter nog wel een aanvraag indienen", applications beyond the ceiling wait for money that is
# not used): the page says the round takes applications (guide 7: open). Also "nog steeds" /
# "nog altijd" ("Binnen 4 dagen … is het plafond … bereikt … Sportclubs kunnen daarom nog steeds
# hun aanvragen indienen", duurzaamgebouwd.nl on the EDS 2017); "nog steeds geen" is no match.
# "toch nog" says the same ("U kunt toch nog subsidie aanvragen"), also with the verb last in a
# subordinate clause ("De subsidieverstrekker heeft echter laten weten dat je toch nog een
# subsidieaanvraag kunt indienen", fondswervingonline.nl on Tel mee met Taal).
_STILL_POSSIBLE_RE = re.compile(
    r"\b(?:kan|kunt|kunnen)\b(?:\s+\w+){0,3}?\s+(?:nog\s+(?:wel|steeds|altijd)|toch\s+nog)\s+"
    r"(?:(?!niet\b|geen\b|meer\b)[\w-]+\s+){0,6}?(?:aanvragen|indienen|aanvraag\s+doen)\b"
    r"(?![^.\n]*\?)"
    r"|\b(?:toch\s+nog|nog\s+(?:wel|steeds|altijd))\s+(?:(?!niet\b|geen\b|meer\b)[\w-]+\s+){0,3}?"
    r"(?:kan|kunt|kunnen)\s+(?:worden\s+)?(?:aanvragen|indienen|aangevraagd|ingediend)\b"
    r"(?![^.\n]*\?)",
    _I,
)


# Opened, an adverb between, said of a scheme ("De Voucherregeling … is eindelijk geopend voor
# het indienen van aanvragen", a business club's news item; not an office that "is inmiddels
# geopend"), no day named after it. Looked up apart from _OPEN_RE: the subject before the verb
# is checked only where the rare verb phrase stands (throughput).
_ADVERB_OPENED_RE = re.compile(
    r"\b(?:is|zijn)\s+(?:eindelijk|inmiddels|zojuist|officieel)\s+(?:opengesteld|geopend)\b"
    r"(?!\s+(?:op|van|per|vanaf)\s+\d)",
    _I,
)
_SCHEME_SUBJECT_RE = re.compile(
    r"\b(?:\w*regeling|loket|oproep|\w*ronde|tijdvak|\w*voucher\w*|subsidie\w*)\b[^.\n?]{0,80}$", _I
)


def _adverb_opened(text: str) -> bool:
    """Say whether a scheme "is eindelijk/inmiddels geopend" (no day named)."""
    lower = text.lower()
    if "geopend" not in lower and "opengesteld" not in lower:
        return False
    return any(
        _SCHEME_SUBJECT_RE.search(text, max(0, mt.start() - 120), mt.start())
        for mt in _ADVERB_OPENED_RE.finditer(text)
    )


# Support to be had again, said in the present ("Noordelijke ondernemers met innovatie-ideeën
# kunnen weer steun krijgen van de provincies", a regional broadcaster on the MIT; "Dorpshuizen
# kunnen opnieuw een beroep doen op het noodfonds"): the news wording for a scheme open again
# (guide 7). Not for a time ahead in the same sentence ("Vanaf volgend jaar kunnen … weer steun
# krijgen", "zodra …"), which is an announcement, nor negated or asked.
_AGAIN_SUPPORT_RE = re.compile(
    r"\b(?:kan|kunt|kunnen)\s+(?:(?!(?:dan|straks|later|pas|daarna|niet|geen)\b)[\w-]+\s+){0,3}?"
    r"(?:weer|opnieuw)\s+(?:(?:steun|subsidie|een\s+(?:[\w-]+\s+)?bijdrage)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:krijgen|ontvangen)|een\s+beroep\s+doen)\b(?![^.\n]*\?)",
    _I,
)
_AHEAD_IN_SENTENCE_RE = re.compile(
    r"\b(?:volgend\w*|komend\w*|vanaf|per|straks|later|binnenkort|zodra|als|indien|wanneer"
    r"|volgt|volgen|zal|zullen)\b",
    _I,
)


def _support_again(text: str) -> bool:
    """Say whether a sentence says support can be had again now (no time ahead in it)."""
    lower = text.lower()
    if "weer" not in lower and "opnieuw" not in lower:
        return False
    for mt in _AGAIN_SUPPORT_RE.finditer(text):
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if not _AHEAD_IN_SENTENCE_RE.search(text, left, right):
            return True
    return False


# The money said not to be gone yet ("het potje nog niet leeg is en aanvragen nog steeds gewoon
# gedaan kunnen worden", "Het budget is nog lang niet op", "Het subsidieplafond is nog niet
# bereikt"): the scheme takes applications now (guide 7: open). "nog" is required: a plain "niet
# leeg" may be a condition or a past state.
_NOT_GONE_RE = re.compile(
    r"\b(?:\w*budget|pot(?:je)?|\w*plafond|geld)\b(?:\s+(?:voor|van)\s+[^.,;?\n]{1,50}?)??"
    r"(?:\s+(?:is|zijn))?\s+nog\s+(?:lang\s+)?niet\s+"
    r"(?:(?:helemaal|volledig|geheel)\s+)?(?:leeg|op|bereikt|uitgeput|opgebruikt)\b(?![^.\n]*\?)",
    _I,
)


def _not_gone(text: str) -> bool:
    """Say whether the money is said, as a fact, not to be gone yet (no condition before it)."""
    return any(
        not _CONDITIONAL_RE.search(text, max(0, mt.start() - 40), mt.start())
        for mt in _NOT_GONE_RE.finditer(text)
    )


def words_status(text: str, stopped: bool) -> str:
    """Return the status that status words alone give, "unknown" without any."""
    if all(rx.search(text) for rx in _ALL_STATES_RE):
        return "unknown"
    if not stopped and (_CONTINUES_RE.search(text) or _continuous_submission(text)):
        return "open"
    if announced(text):
        return "upcoming"
    if stopped and _OPEN_BADGE_RE.search(text):
        return "open"  # "Status: Open": the page's own badge wins over a stop sentence
    if stopped and says(_STILL_POSSIBLE_RE, text):
        return "open"  # "Het plafond is bereikt. U kunt echter nog wel een aanvraag indienen"
    if stopped or says(_CLOSED_RE, text, unless=_NOT_SCHEME_CLOSED_RE):
        return "closed"
    if _UPCOMING_RE.search(text):
        return "upcoming"
    if (
        _OPEN_RE.search(text)
        or _CLOSING_SOON_RE.search(text)
        or _not_gone(text)
        or _headline_opened(text)
        or _adverb_opened(text)
        or _support_again(text)
    ):
        return "open"
    if says(_NO_LATER_RE, text) or says(_LAST_CALL_RE, text):
        return "closed"
    if _relative_open(text):
        return "open"
    return "open" if _open_all_year(text) else "unknown"


_REL_DAY = (
    r"(?:vandaag|gisteren|vanochtend|vanmorgen|eergisteren|maandag|dinsdag|woensdag|donderdag"
    r"|vrijdag|zaterdag|zondag|deze\s+week|today|yesterday)"
)
# Applying open since a day told only relative to the page ("Sinds maandag kunnen inwoners
# subsidie aanvragen", "Vandaag is het subsidieloket geopend", "Het loket ging gisteren open"),
# or still possible up to a near day ("Tot morgen kunt u nog aanvragen", "nog tot vrijdag",
# "nog tot eind volgende week"): on an undated page the day stays null (guide 4.3), but the
# window is running (guide 7: open; a scheme that closes soon is still open).
_REL_OPEN_RE = re.compile(
    rf"\bsinds\s+{_REL_DAY}\b|\bvanaf\s+(?:vandaag|vanochtend|vanmorgen|today)\b"
    rf"|\b{_REL_DAY}\b[^.\n]{{0,80}}?\b(?:geopend|opengesteld|(?:ging|gingen)\s+(?:\w+\s+){{0,4}}?open)\b"
    rf"|\b(?:ging|gingen|is|zijn|werd|werden)\s+(?:\w+\s+){{0,4}}?{_REL_DAY}\s+"
    r"(?:\w+\s+){0,2}?(?:open|geopend|opengesteld)\b"
    # the separable past with the object between ("De provincie stelde woensdag de regeling
    # open", 1twente.nl on the MKB-voucher Overijssel)
    rf"|\b(?:stelde|stelden)\s+{_REL_DAY}\s+(?:\w+\s+){{0,3}}?open\b"
    r"|\btot\s+(?:en\s+met\s+)?(?:morgen|overmorgen|maandag|dinsdag|woensdag|donderdag|vrijdag"
    r"|zaterdag|zondag|(?:eind\s+)?(?:deze|volgende|komende)\s+week)\b"
    # the last day is today ("Vandaag is de laatste dag waarop u kunt aanvragen", "Aanvragen
    # kan tot en met vandaag", "Vandaag sluit het loket"): closing soon, so open (guide 7)
    r"|\btot\s+(?:en\s+met\s+)?vandaag\b(?!\s+(?:zijn|waren|is|was|heeft|hebben)\b)"
    r"|\bvandaag\s+(?:is\s+de\s+laatste\s+dag|sluit)\b"
    # ... also tonight ("Vannacht sluit het Noodfonds voor nieuwe aanvragen", news on the
    # emergency energy fund's last day)
    r"|\b(?:vanavond|vannacht)\s+sluit\b"
    # open since a reopening the writer names ("Sinds de heropening dinsdag zijn er al meer dan
    # 120.000 aanvragen binnengekomen")
    r"|\bsinds\s+de\s+(?:her)?opening\b"
    # reopened now, present tense ("De regeling staat weer open", "inwoners kunnen opnieuw
    # subsidie aanvragen", "Aanvragen kan weer"); a time ahead makes it an announcement, which
    # is looked up first
    r"|\b(?:staat|staan)\s+(?:nu\s+)?(?:weer|opnieuw)\s+open\b"
    # (not at a time named before: "kunnen dan weer aanvragen indienen", "straks weer")
    r"|\b(?:kan|kunt|kunnen)\s+(?:(?!(?:dan|straks|later|pas|daarna)\b)\w+\s+){0,3}?"
    r"(?:weer|opnieuw)\s+(?:\w+\s+){0,3}?"
    r"(?:aanvragen|indienen|aangevraagd|ingediend)\b"
    r"|\b(?:aanvragen|indienen)\s+kan\s+(?:nu\s+)?(?:weer|opnieuw)\b",
    _I,
)
# ... about applying or a scheme, and not stopped, negated, conditional or a weekly habit on the
# way ("vragenuren elke donderdag, zolang de oproep geopend is"), nor a resubmission ("Een
# afgewezen aanvraag kunt u opnieuw indienen"). "Vanaf maandag kunnen inwoners
# …" is left alone: on an undated page that Monday may lie ahead.
_REL_APPLY_RE = re.compile(
    r"aanvra|aan\s+(?:\w+\s+)?vragen|indien|subsidie|regeling|\bloket|ronde\b|tijdvak|oproep"
    r"|\bapply|applica",
    _I,
)
_REL_NOT_RE = re.compile(
    r"(?<!vandaag\s)(?<!vanavond\s)(?<!vannacht\s)\b(?:niet|geen|gesloten|sluit|stopt?|gestopt|closed|not|als|indien|wanneer|zodra|zolang"
    r"|elke|iedere|every|each|afgewezen|onvolledig\w*|aangevuld\w*)\b",
    _I,
)


def _relative_open(text: str) -> bool:
    """Say whether a sentence says applying runs now, from or up to a day told relatively."""
    lower = text.lower()
    if not any(
        w in lower
        for w in (
            "sinds",
            "vanaf",
            "tot ",
            "open",
            "today",
            "yesterday",
            "weer",
            "opnieuw",
            "vandaag",
            "vanavond",
            "vannacht",
        )
    ):
        return False
    for mt in _REL_OPEN_RE.finditer(text):
        left, right = _sentence_bounds(text, mt.start(), mt.end())
        if _REL_APPLY_RE.search(text, left, right) and not _REL_NOT_RE.search(text, left, right):
            return True
    return False


def _open_all_year(text: str) -> bool:
    """Say whether the text says the scheme takes applications the whole year, as a fact
    about this scheme and not a general procedure rule with exceptions."""
    lower = text.lower()
    if "jaar" not in lower and "year" not in lower:
        return False
    mt = _ALL_YEAR_RE.search(text)
    if mt is None or _NOT_ALL_YEAR_RE.search(text):
        return False
    return not _CONDITIONAL_RE.search(text, max(0, mt.start() - 60), mt.start())
