"""Which use case handles which command."""

from __future__ import annotations

from core.domain import commands as cmd
from core.services import printing, tickets, windows
from core.services.bus import Handler

HANDLERS: dict[type[cmd.Command], Handler] = {
    cmd.IssueTicket: tickets.issue_ticket,
    cmd.RequeueTicket: tickets.requeue_ticket,
    cmd.CancelTicket: tickets.cancel_ticket,
    cmd.CheckDay: tickets.check_day,
    cmd.OpenWindow: windows.open_window,
    cmd.CloseWindow: windows.close_window,
    cmd.PauseWindow: windows.pause_window,
    cmd.ResumeWindow: windows.resume_window,
    cmd.CallNext: windows.call_next,
    cmd.CallSpecific: windows.call_specific,
    cmd.Recall: windows.recall,
    cmd.MarkNoShow: windows.mark_no_show,
    cmd.StartService: windows.start_service,
    cmd.FinishService: windows.finish_service,
    cmd.TransferTicket: windows.transfer,
    cmd.AcknowledgePrint: printing.acknowledge_print,
    cmd.ReportDeviceStatus: printing.report_device_status,
    cmd.FailStalePrintJobs: printing.fail_stale_print_jobs,
}
