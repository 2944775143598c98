"""GET /v1/agencies and /v1/agencies/{id}: listing by key scope, detail with a year's holidays."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import ALL, KENNESAW, ROCKPORT


def test_listing_shows_only_the_agencies_a_key_covers(client: TestClient) -> None:
    ids = {name: [a["id"] for a in client.get("/v1/agencies", headers=h).json()["agencies"]]
           for name, h in (("all", ALL), ("rockport", ROCKPORT), ("kennesaw", KENNESAW))}
    assert ids == {"all": ["kennesaw-ga", "rockport-tx"], "rockport": ["rockport-tx"],
                   "kennesaw": ["kennesaw-ga"]}


def test_detail_has_rate_card_policy_and_the_years_actual_holiday_dates(
    client: TestClient,
) -> None:
    response = client.get("/v1/agencies/kennesaw-ga", params={"year": 2026}, headers=KENNESAW)
    assert response.status_code == 200
    body = response.json()
    assert (body["rates"]["regular"], body["rates"]["traffic_emergency"]) == ("76.05", "105.30")
    assert body["policy"]["lead_time_hours"] == 72
    assert body["year"] == 2026
    holidays = {h["date"]: h["name"] for h in body["holidays"]}
    assert len(holidays) == 13
    assert holidays["2026-07-04"] == "independence_day"  # the actual Saturday, not observed
    assert "2026-07-03" not in holidays
    assert holidays["2026-01-19"] == "mlk_day"


def test_rockport_has_eleven_holidays_and_no_mlk_day(client: TestClient) -> None:
    body = client.get("/v1/agencies/rockport-tx?year=2027", headers=ROCKPORT).json()
    names = [h["name"] for h in body["holidays"]]
    assert len(names) == 11 and "mlk_day" not in names
    assert {"date": "2027-03-28", "name": "easter_sunday"} in body["holidays"]


def test_year_defaults_to_this_year(client: TestClient) -> None:
    body = client.get("/v1/agencies/rockport-tx", headers=ROCKPORT).json()
    assert 2026 <= body["year"] <= 2100 and len(body["holidays"]) == 11


def test_other_agency_is_403_and_unknown_is_404(client: TestClient) -> None:
    assert client.get("/v1/agencies/kennesaw-ga", headers=ROCKPORT).status_code == 403
    assert client.get("/v1/agencies/gotham-nj", headers=ROCKPORT).status_code == 403
    missing = client.get("/v1/agencies/gotham-nj", headers=ALL)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no agency 'gotham-nj'"


def test_year_out_of_range_is_422(client: TestClient) -> None:
    for year in ("1969", "2201", "soon"):
        response = client.get(f"/v1/agencies/rockport-tx?year={year}", headers=ROCKPORT)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "year"]


def test_listing_needs_a_key(client: TestClient) -> None:
    assert client.get("/v1/agencies").status_code == 401
