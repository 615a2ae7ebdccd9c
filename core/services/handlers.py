"""Which use case handles which command."""

from __future__ import annotations

from core.domain import commands as cmd
from core.domain import continuity_commands as cc
from core.domain import rating_commands as rc
from core.services import (
    administration,
    detection,
    hub_outage,
    incidents,
    paper,
    printing,
    ratings,
    registers,
    tickets,
    windows,
)
from core.services.bus import Handler

KEEPS_CONFIGURATION: frozenset[type[cmd.Command]] = frozenset(
    {
        cmd.IssueTicket,
        cmd.RequeueTicket,
        cmd.CancelTicket,
        cmd.CheckDay,
        cmd.OpenWindow,
        cmd.CloseWindow,
        cmd.ReleaseWindow,
        cmd.PauseWindow,
        cmd.ResumeWindow,
        cmd.CallNext,
        cmd.CallSpecific,
        cmd.Recall,
        cmd.MarkNoShow,
        cmd.StartService,
        cmd.FinishService,
        cmd.TransferTicket,
        cmd.ReconcileCall,
        cmd.AcknowledgePrint,
        cc.RegisterPaperTickets,
        rc.RateService,
        rc.OfferRating,
    }
)
"""The queue's commands: they change tickets, windows' state and services' recent times,
always through the rows the bus keeps, never a service, a window's settings or an
incident. After any other command the bus loads the hall's configuration again."""

HANDLERS: dict[type[cmd.Command], Handler] = {
    cmd.IssueTicket: tickets.issue_ticket,
    cmd.RequeueTicket: tickets.requeue_ticket,
    cmd.CancelTicket: tickets.cancel_ticket,
    cmd.CheckDay: tickets.check_day,
    cmd.OpenWindow: windows.open_window,
    cmd.CloseWindow: windows.close_window,
    cmd.ReleaseWindow: windows.release_window,
    cmd.DedicateWindow: windows.dedicate_window,
    cmd.Announce: incidents.announce,
    cmd.OpenWindowFor: windows.open_window_for,
    cmd.PauseServiceWindows: windows.pause_service_windows,
    cmd.EndDedication: windows.end_dedication,
    cmd.PauseWindow: windows.pause_window,
    cmd.ResumeWindow: windows.resume_window,
    cmd.CallNext: windows.call_next,
    cmd.CallSpecific: windows.call_specific,
    cmd.Recall: windows.recall,
    cmd.MarkNoShow: windows.mark_no_show,
    cmd.StartService: windows.start_service,
    cmd.FinishService: windows.finish_service,
    cmd.TransferTicket: windows.transfer,
    cmd.ReconcileCall: windows.reconcile_call,
    cmd.AcknowledgePrint: printing.acknowledge_print,
    cmd.ReportDeviceStatus: printing.report_device_status,
    cmd.FailStalePrintJobs: printing.fail_stale_print_jobs,
    cc.DeclareIncident: incidents.declare_incident,
    cc.UpdateIncident: incidents.update_incident,
    cc.AddIncidentStep: incidents.add_incident_step,
    cc.EndIncident: incidents.end_incident,
    cc.EditNotice: incidents.edit_notice,
    cc.PostNotice: incidents.post_notice,
    cc.RemoveNotice: incidents.remove_notice,
    cc.RefreshOutages: incidents.refresh_outages,
    cc.CheckHeartbeats: detection.check_heartbeats,
    cc.ReportSystem: detection.report_system,
    cc.RecordHubOutage: hub_outage.record_hub_outage,
    cc.ReportScreenOffline: hub_outage.report_screen_offline,
    cc.RegisterPaperTickets: paper.register_paper_tickets,
    rc.RateService: ratings.rate_service,
    rc.OfferRating: ratings.offer_rating,
    cc.SubmitRegister: registers.submit_register,
    cc.MarkBackfilled: registers.mark_backfilled,
    cc.AddFollowUp: registers.add_follow_up,
    cc.AnswerFollowUp: registers.answer_follow_up,
    **dict.fromkeys(administration.EDITS, administration.configure),
}
