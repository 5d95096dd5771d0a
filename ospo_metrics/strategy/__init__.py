"""Strategy: objectives and their forecasts, goals, alerts to owners, the OSPO maturity model.

The numbers come from `kpis` (pure); the modules here bind them to the configuration and the
database: `objectives` (evaluate every configured objective), `charts` (an objective's
figure), `goals` (the OSPO book's impact goals and their roll-up).
"""
