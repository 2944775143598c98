"""Examples shown in the OpenAPI docs (`/docs`), one or more per endpoint.

Tests validate every example against its model, so the docs never show a body the service
would refuse or could not produce.
"""

from __future__ import annotations

from typing import Any

PROBLEM: dict[str, Any] = {
    "agency": "rockport-tx",
    "officers": [
        {
            "id": "RP-101",
            "name": "A. Garza",
            "rank": "officer",
            "qualifications": ["traffic"],
            "availability": [
                {"start": "2026-12-05T08:00:00-06:00", "end": "2026-12-05T23:00:00-06:00"}
            ],
            "hours_to_date": 6,
        },
        {
            "id": "RP-102",
            "name": "M. Chen",
            "rank": "sergeant",
            "qualifications": ["traffic", "vehicle"],
            "availability": [
                {"start": "2026-12-05T06:00:00-06:00", "end": "2026-12-05T22:00:00-06:00"}
            ],
            "hours_to_date": 2,
        },
    ],
    "requests": [
        {
            "id": "REQ-1",
            "employer": {"id": "EMP-12", "name": "Harbor Grocery", "category": "grocery"},
            "venue": {"within_city_limits": True, "alcohol_served": False, "post": "outside"},
            "start": "2026-12-05T16:00:00-06:00",
            "end": "2026-12-05T20:00:00-06:00",
            "received_at": "2026-11-20T09:15:00-06:00",
            "officers_needed": 1,
            "priority": 3,
        },
        {
            "id": "REQ-2",
            "employer": {"id": "EMP-30", "name": "Seafair Parade", "category": "event"},
            "job_type": "traffic",
            "start": "2026-12-05T09:00:00-06:00",
            "end": "2026-12-05T12:00:00-06:00",
            "received_at": "2026-11-28T10:00:00-06:00",
            "officers_needed": 1,
            "vehicle": {"kind": "static"},
            "priority": 4,
        },
    ],
    "options": {"time_limit_s": 5, "seed": 0},
}

PROBLEM_EXAMPLES: dict[str, Any] = {
    "rockport": {
        "summary": "Two officers, two requests at Rockport",
        "value": PROBLEM,
    },
    "with_policy_override": {
        "summary": "Same problem with a stricter weekly cap for this problem only",
        "value": {**PROBLEM, "policy": {"max_hours_per_week": 16}},
    },
}

QUOTE_REQUEST: dict[str, Any] = {
    "agency": "kennesaw-ga",
    "start": "2026-12-24T20:00:00-05:00",
    "end": "2026-12-25T01:00:00-05:00",
    "received_at": "2026-12-23T09:00:00-05:00",
    "officers": 2,
    "job_type": "regular",
    "customer_rate": None,
    "vehicle": {"kind": "static", "miles": 0},
}

QUOTE_REQUEST_EXAMPLES: dict[str, Any] = {
    "christmas_eve_late": {
        "summary": "Two officers on Christmas Eve night, asked for the day before",
        "value": QUOTE_REQUEST,
    },
    "rockport_short": {
        "summary": "One officer for 90 minutes at Rockport (billed at the 2-hour minimum)",
        "value": {
            "agency": "rockport-tx",
            "start": "2026-12-05T10:00:00-06:00",
            "end": "2026-12-05T11:30:00-06:00",
            "received_at": "2026-12-01T10:00:00-06:00",
        },
    },
}

QUOTE: dict[str, Any] = {
    "agency": "kennesaw-ga",
    "request_id": "quote",
    "officers": 2,
    "emergency": True,
    "holiday_hours": 5.0,
    "worked_hours_per_officer": 5.0,
    "billable_hours_per_officer": 5.0,
    "lines": [
        {
            "request_id": "quote",
            "rate_type": "holiday",
            "unit": "hour",
            "quantity": "10.0000",
            "rate": "99.45",
            "amount": "994.50",
            "padding_rate_type": None,
        },
        {
            "request_id": "quote",
            "rate_type": "vehicle_static",
            "unit": "hour",
            "quantity": "10.0000",
            "rate": "8.19",
            "amount": "81.90",
            "padding_rate_type": None,
        },
    ],
    "total": "1076.40",
    "currency": "USD",
}

VALIDATE_EXAMPLES: dict[str, Any] = {
    "bar_inside": {
        "summary": "A bar wants an officer inside, asked two days ahead",
        "value": {
            "agency": "kennesaw-ga",
            "request": {
                "id": "REQ-7",
                "employer": {"id": "EMP-40", "name": "Depot Tavern", "category": "bar"},
                "venue": {"within_city_limits": True, "alcohol_served": True, "post": "inside"},
                "start": "2026-12-12T21:00:00-05:00",
                "end": "2026-12-13T01:00:00-05:00",
                "received_at": "2026-12-10T12:00:00-05:00",
            },
        },
    },
    "with_policy": {
        "summary": "A late request where this problem refuses late requests",
        "value": {
            "agency": "kennesaw-ga",
            "policy": {"late_request_policy": "refuse"},
            "request": {
                "id": "REQ-8",
                "employer": {"id": "EMP-12", "name": "Kroger #411", "category": "grocery"},
                "start": "2026-12-12T16:00:00-05:00",
                "end": "2026-12-12T20:00:00-05:00",
                "received_at": "2026-12-11T08:00:00-05:00",
            },
        },
    },
}

VALIDATE_RESPONSE: dict[str, Any] = {
    "request_id": "REQ-7",
    "agency": "kennesaw-ga",
    "accepted": False,
    "refusals": [
        {
            "code": "ALCOHOL_INSIDE",
            "message": (
                "The venue sells or serves alcohol and the post is inside; officers may not "
                "work inside such an establishment."
            ),
        },
    ],
    "emergency": True,
    "late": True,
    "lead_time_hours": 72.0,
    "late_request_policy": "emergency_rate",
}

AGENCY_LIST: dict[str, Any] = {
    "agencies": [
        {
            "id": "kennesaw-ga",
            "name": "Kennesaw (GA) Police Department",
            "time_zone": "America/New_York",
            "currency": "USD",
        },
        {
            "id": "rockport-tx",
            "name": "Rockport (TX) Police Department",
            "time_zone": "America/Chicago",
            "currency": "USD",
        },
    ]
}

AGENCY_DETAIL: dict[str, Any] = {
    "id": "rockport-tx",
    "name": "Rockport (TX) Police Department",
    "time_zone": "America/Chicago",
    "currency": "USD",
    "rates": {
        "regular": "56.50",
        "holiday": "67.80",
        "emergency": None,
        "traffic": None,
        "traffic_holiday": None,
        "traffic_emergency": None,
        "contract_rates": {},
        "vehicle_static_per_hour": "18.39",
        "vehicle_moving_per_mile": "0.63",
        "admin_fee_per_hour": "8.00",
        "admin_fee_by_rate": {},
    },
    "policy": {
        "min_hours": 2.0,
        "lead_time_hours": 0.0,
        "late_request_policy": "none",
        "max_hours_per_day": 12.0,
        "max_hours_per_week": 24.0,
        "max_hours_per_24h": 16.0,
        "travel_gap_minutes": 30,
        "supervisor_at": 4,
        "max_continuous_hours": 12.0,
        "prohibited_categories": [
            "escort_service",
            "limousine_service",
            "private_club_bouncers",
            "private_investigation",
            "bodyguard",
            "merchandise_escort",
            "pawn_broker",
            "contracted_wrecker",
        ],
        "liquor_training_required": False,
    },
    "year": 2026,
    "holidays": [
        {"date": "2026-01-01", "name": "new_years_day"},
        {"date": "2026-04-05", "name": "easter_sunday"},
        {"date": "2026-05-25", "name": "memorial_day"},
        {"date": "2026-07-04", "name": "independence_day"},
        {"date": "2026-09-07", "name": "labor_day"},
        {"date": "2026-11-11", "name": "veterans_day"},
        {"date": "2026-11-26", "name": "thanksgiving"},
        {"date": "2026-11-27", "name": "day_after_thanksgiving"},
        {"date": "2026-12-24", "name": "christmas_eve"},
        {"date": "2026-12-25", "name": "christmas_day"},
        {"date": "2026-12-31", "name": "new_years_eve"},
    ],
    "assumptions": [
        "admin_fee_per_hour: Rockport does not publish its admin fee; 8.00 per hour is our setting."
    ],
    "sources": ["Rockport, TX PD off-duty page (Off Duty Management), effective 2022-12-19"],
}

ROSTER_RESULT: dict[str, Any] = {
    "status": "optimal",
    "agency": "rockport-tx",
    "assignments": [
        {
            "request_id": "REQ-2",
            "officer_id": "RP-102",
            "start": "2026-12-05T09:00:00-06:00",
            "end": "2026-12-05T12:00:00-06:00",
            "hours": 3.0,
            "billable_hours": 3.0,
            "amount": "224.67",
            "locked": False,
        },
        {
            "request_id": "REQ-1",
            "officer_id": "RP-102",
            "start": "2026-12-05T16:00:00-06:00",
            "end": "2026-12-05T20:00:00-06:00",
            "hours": 4.0,
            "billable_hours": 4.0,
            "amount": "226.00",
            "locked": False,
        },
    ],
    "unfilled": [],
    "rejected": [],
    "violations": [],
    "officer_hours": [
        {"officer_id": "RP-101", "hours_to_date": 6.0, "new_hours": 0.0, "total_hours": 6.0},
        {"officer_id": "RP-102", "hours_to_date": 2.0, "new_hours": 7.0, "total_hours": 9.0},
    ],
    "metrics": {
        "positions_requested": 2,
        "positions_filled": 2.0,
        "coverage": 7.0,
        "coverage_upper_bound": 7.0,
        "hours_filled": 7.0,
        "max_total_hours": 9.0,
        "max_total_lower_bound": 9.0,
        "spread_hours": 3.0,
        "gini": 0.1,
        "improvable_pairs": 0,
    },
    "pricing": {
        "total": "450.67",
        "currency": "USD",
        "requests": [
            {
                "request_id": "REQ-1",
                "total": "226.00",
                "lines": [
                    {
                        "request_id": "REQ-1",
                        "rate_type": "regular",
                        "unit": "hour",
                        "quantity": "4.0000",
                        "rate": "56.50",
                        "amount": "226.00",
                        "padding_rate_type": None,
                        "description": None,
                    }
                ],
            },
            {
                "request_id": "REQ-2",
                "total": "224.67",
                "lines": [
                    {
                        "request_id": "REQ-2",
                        "rate_type": "regular",
                        "unit": "hour",
                        "quantity": "3.0000",
                        "rate": "56.50",
                        "amount": "169.50",
                        "padding_rate_type": None,
                        "description": None,
                    },
                    {
                        "request_id": "REQ-2",
                        "rate_type": "vehicle_static",
                        "unit": "hour",
                        "quantity": "3.0000",
                        "rate": "18.39",
                        "amount": "55.17",
                        "padding_rate_type": None,
                        "description": None,
                    },
                ],
            },
        ],
    },
    "solver": {
        "status": "optimal",
        "wall_s": 0.18,
        "objective": [7000.0, 540.0, 0.0],
        "bound": [7000.0, 540.0, 0.0],
        "seed": 0,
        "workers": 2,
        "deterministic": False,
        "ortools": "9.15.6755",
    },
    "notes": [],
}

JOB_ACCEPTED: dict[str, Any] = {
    "id": "b3J0LXJvc3Rlcg",
    "state": "queued",
    "href": "/v1/jobs/b3J0LXJvc3Rlcg",
}

JOB_DONE: dict[str, Any] = {
    "id": "b3J0LXJvc3Rlcg",
    "state": "done",
    "agency": "rockport-tx",
    "created_at": "2026-12-01T12:00:00Z",
    "started_at": "2026-12-01T12:00:00.010Z",
    "finished_at": "2026-12-01T12:00:00.420Z",
    "result": ROSTER_RESULT,
    "error": None,
}

JOB_CANCELLED: dict[str, Any] = {
    **JOB_DONE,
    "state": "cancelled",
    "started_at": None,
    "finished_at": "2026-12-01T12:00:01Z",
    "result": None,
}

CANCELLATION_QUOTE_REQUEST: dict[str, Any] = {
    "agency": "kennesaw-ga",
    "start": "2026-12-01T08:00:00-05:00",
    "end": "2026-12-01T12:00:00-05:00",
    "received_at": "2026-11-20T09:00:00-05:00",
    "officers": 2,
    "notice_at": "2026-11-30T12:00:00-05:00",
    "officers_removed": 1,
    "worked_hours": "0",
}

CANCELLATION_QUOTE_REQUEST_EXAMPLES: dict[str, Any] = {
    "under_48_hours": {
        "summary": "One of two officers removed 20 hours before the start",
        "value": CANCELLATION_QUOTE_REQUEST,
    },
}


def _cancellation_line(rate: str, amount: str, description: str) -> dict[str, Any]:
    return {"request_id": "quote", "rate_type": "regular", "unit": "hour", "quantity": "4.0000",
            "rate": rate, "amount": amount, "padding_rate_type": None, "description": description}


CANCELLATION_CHARGE: dict[str, Any] = {
    "request_id": "quote",
    "officers_affected": 1,
    "notice_hours": 20.0,
    "bracket": "under_48h",
    "admin_fee_per_hour": "6.80",
    "officer_pay_per_hour": "69.25",
    "charged_hours_admin": 4.0,
    "charged_hours_pay": 4.0,
    "lines": [
        _cancellation_line("6.80", "27.20", "cancellation: admin fee for the first 24 hours"),
        _cancellation_line("69.25", "277.00",
                           "cancellation: officer pay for the hours worked or the minimum"),
    ],
    "total": "304.20",
}
