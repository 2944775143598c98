"""The HTTP service: FastAPI routes over the scheduler and the rate engine (`offduty serve`)."""
