"""An outage starts: the taxpayers already waiting for an affected service follow
the routing, as a newcomer would (SPEC §7; issue 17, point 6).

A ticket routed to the emergency window keeps its number and its place (its
queue time); a ticket whose business the self-service terminals can do stays
in its queue, and its holder is told the terminals are the quicker way. Both
are told on their phone page (the ticket's route) and by SMS, and the
incident records how many were moved — the console and the ledger show it.
"""

from __future__ import annotations

from core.adapters import orm
from core.domain.continuity import Route, route_for
from core.domain.events import TicketChanged
from core.services import notices as wording
from core.services.context import SYSTEM_ACTOR, Context
from core.services.sms import SmsKind, queue_sms
from core.services.views import routing_of, systems_down


def reroute_waiting(context: Context, incident: orm.Incident) -> set[str]:
    """Route today's waiting tickets of affected services; the phones already texted."""
    uow, hall = context.uow, context.hall
    down = systems_down(uow.session, hall)
    services = uow.halls.services(hall)
    emergency = next((row for row in services if (row.settings or {}).get("emergency")), None)
    windows = [row.number for row in context.windows if row.emergency]
    moved = told = 0
    texted: set[str] = set()
    for service in services:
        route = route_for(routing_of(service), down)
        if route is Route.NORMAL or (route is Route.EMERGENCY and emergency is None):
            continue
        for ticket in uow.tickets.waiting(hall, context.day.business_day, service.code):
            row = uow.tickets.row(ticket)
            if route is Route.EMERGENCY:
                assert emergency is not None
                ticket.reroute(context.now, to_service=emergency.code)
                row.requested_service = row.requested_service or service.code
                uow.tickets.save(ticket, context.seq, SYSTEM_ACTOR)
                context.record(TicketChanged(ticket.number, emergency.code, "waiting", None))
                body = wording.rerouted_sms(hall.name_zh, ticket.number, service.name_zh, windows)
                moved += 1
            else:
                body = wording.self_service_sms(hall.name_zh, ticket.number, service.name_zh)
                told += 1
            if row.phone and row.phone not in texted:
                texted.add(row.phone)
                queue_sms(
                    uow.session, hall, row.phone, body, SmsKind.OUTAGE, context.now,
                    incident_id=incident.id, ticket_id=row.id,
                )  # fmt: skip
    if moved or told:
        uow.session.add(
            orm.IncidentStep(
                incident_id=incident.id,
                at=context.now,
                actor=SYSTEM_ACTOR,
                text=wording.rerouted_step(moved, told),
            )
        )
    return texted
