"""The recovery sweep: re-queue work that a crash left unfinished.

Rows in the database say what is unfinished; the broker may have lost the
message (Redis keeps its queue in memory only).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def run_recovery_sweep(*, force: bool = False) -> dict[str, list[int]]:
    """Re-queue unfinished scrape jobs and leads that were never scored.

    `force` is for process start in the embedded run, where no other worker can be
    holding a lease. Safe to run at any time: re-queued work is idempotent.
    """
    from qualification.services import requeue_unqualified
    from scraping.services import recover_unfinished_jobs

    recovered = {
        "scrape_jobs": recover_unfinished_jobs(force=force),
        "unqualified_leads": requeue_unqualified(),
    }
    if any(recovered.values()):
        logger.info("recovery sweep re-queued %s", recovered)
    return recovered
