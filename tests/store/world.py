"""A small Kennesaw world for the store tests: three officers, two requests, one week.

Kennesaw's card (rules.md section 1): regular $76.05 with a $6.80 admin fee, so officer pay is
$69.25 an hour; minimum 4 hours. Times are Eastern (UTC-5 in December).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from store import Store
from store.importer import import_file

NOW = datetime.fromisoformat("2026-11-28T00:00:00-05:00")

OFFICERS = """agency,id,name,rank,status,qualifications,max_hours_per_week,conflicts
kennesaw-ga,K-1,A. One,officer,active,traffic,,
kennesaw-ga,K-2,B. Two,officer,active,,,
kennesaw-ga,K-3,C. Three,sergeant,active,traffic;vehicle,,
"""

AVAILABILITY = """agency,officer_id,kind,start,end
kennesaw-ga,K-1,available,2026-12-01T06:00:00-05:00,2026-12-03T00:00:00-05:00
kennesaw-ga,K-2,available,2026-12-01T06:00:00-05:00,2026-12-03T00:00:00-05:00
kennesaw-ga,K-3,available,2026-12-01T06:00:00-05:00,2026-12-03T00:00:00-05:00
kennesaw-ga,K-3,on_duty,2026-12-02T06:00:00-05:00,2026-12-02T16:00:00-05:00
"""

REQUESTS_HEADER = (
    "agency,id,employer_id,employer_name,category,pending_litigation,within_city_limits,"
    "alcohol_served,post,uniformed,job_type,customer_rate,start,end,received_at,officers_needed,"
    "vehicle_kind,vehicle_miles,approvals,priority,preferred_officers\n"
)
R1 = ("kennesaw-ga,R-1,EMP-1,Kroger #1,grocery,false,true,false,outside,true,regular,,"
      "2026-12-01T08:00:00-05:00,2026-12-01T12:00:00-05:00,2026-11-20T09:00:00-05:00,1,none,0,,3,\n")
R2 = ("kennesaw-ga,R-2,EMP-2,Home Depot #2,retail,false,true,false,outside,true,regular,,"
      "2026-12-02T18:00:00-05:00,2026-12-02T22:00:00-05:00,2026-11-20T09:00:00-05:00,2,none,0,,3,\n")
R3 = ("kennesaw-ga,R-3,EMP-1,Kroger #1,grocery,false,true,false,outside,true,regular,,"
      "2026-12-01T14:00:00-05:00,2026-12-01T18:00:00-05:00,2026-11-20T09:00:00-05:00,1,none,0,,3,\n")
REQUESTS = REQUESTS_HEADER + R1 + R2


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "officers.csv").write_text(OFFICERS, encoding="utf-8")
    (folder / "availability.csv").write_text(AVAILABILITY, encoding="utf-8")
    (folder / "requests.csv").write_text(REQUESTS, encoding="utf-8")
    return folder


def load_world(store: Store, folder: Path) -> None:
    """Import the three files in order (officers first: windows and requests need the agency)."""
    import_file(store, "officers", folder / "officers.csv")
    import_file(store, "availability", folder / "availability.csv")
    import_file(store, "requests", folder / "requests.csv")
