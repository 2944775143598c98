"""One router per resource: rosters, jobs, quotes, requests, agencies, health."""
