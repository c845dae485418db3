"""A hall's tour: its zones in visiting order, the stops an audience sees in each, and
how long each stop takes to read and to narrate.

The one home for these numbers: the site's tour at a glance and its 讲解模式 page, the
guide's narration script and the contractor's inventory all ask `tour()`, so a stop's
length, budget and speaking time are the same wherever they are shown. Lengths are
counted as the budget check counts them (`count_characters` of the body's plain text).

Zones without a visible panel are kept, with no stops, so that every output shows the
hall's zones in the same order and can say that a zone has nothing yet; an output that
lists only stops skips them. A panel whose zone is not one of its hall's zones (an
error `culture check` reports) belongs to no zone and is left out of the tour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import count_characters, plain_text
from build_tools.content.model import Hall, Panel, Zone


@dataclass(frozen=True, slots=True)
class Stop:
    """One panel on the tour."""

    panel: Panel
    zone: Zone
    characters: int  # reading length: the body counted as the budget check counts it
    budget: int  # the panel kind's budget from settings.panel_budgets
    over_budget: bool
    narration_characters: int
    seconds: int  # narration speaking time, rounded up; 0 without narration
    over_time: bool  # seconds > settings.narration.max_seconds
    elapsed: int  # running total of seconds up to and including this stop


@dataclass(frozen=True, slots=True)
class TourZone:
    zone: Zone
    stops: tuple[Stop, ...]  # empty when the audience sees no panel of the zone
    seconds: int


@dataclass(frozen=True, slots=True)
class Tour:
    hall: Hall
    zones: tuple[TourZone, ...]  # all of the hall's zones, in visiting order
    seconds: int

    @property
    def stops(self) -> tuple[Stop, ...]:
        """Every stop of the tour, in order."""
        return tuple(stop for zone in self.zones for stop in zone.stops)


def narration_seconds(characters: int, settings: Settings) -> int:
    """Speaking time of `characters` at the configured rate, in whole seconds rounded up
    (a guide never has less time than the script needs)."""
    return math.ceil(characters * 60 / settings.narration.chars_per_minute)


def reading_length(panel: Panel) -> int:
    """The panel text's length as budgets count it."""
    return count_characters(plain_text(panel.body.markdown))


def tour(corpus: Corpus, hall: Hall, audience: Audience, settings: Settings) -> Tour:
    """The tour of `hall` (a hall of `corpus`) as `audience` sees it: who sees which panel
    is the audience rule's decision alone."""
    visible = [panel for panel in hall.panels if audience.shows(panel)]  # in tour order
    elapsed = 0
    zones = []
    for zone in hall.zones:
        stops = []
        for panel in visible:
            if panel.zone != zone.id:
                continue
            stop = _stop(panel, zone, settings, elapsed)
            elapsed = stop.elapsed
            stops.append(stop)
        zones.append(TourZone(zone, tuple(stops), sum(s.seconds for s in stops)))
    return Tour(hall, tuple(zones), elapsed)


def _stop(panel: Panel, zone: Zone, settings: Settings, before: int) -> Stop:
    characters = reading_length(panel)
    budget: int = getattr(settings.panel_budgets, panel.panel_kind)
    spoken = count_characters(panel.narration or "")
    seconds = narration_seconds(spoken, settings)
    return Stop(
        panel=panel,
        zone=zone,
        characters=characters,
        budget=budget,
        over_budget=characters > budget,
        narration_characters=spoken,
        seconds=seconds,
        over_time=seconds > settings.narration.max_seconds,
        elapsed=before + seconds,
    )
