"""People: who is behind every number, and how an OSPO corrects it.

- :mod:`~ospo_metrics.people.identity` -- identity keys (e-mail, GitHub login, name) and their
  normalization; GitHub noreply addresses are the login in disguise;
- :mod:`~ospo_metrics.people.bots` -- the one rule that says who is a bot or an AI agent;
- :mod:`~ospo_metrics.people.affiliation` -- which organization a contribution counts for;
- :mod:`~ospo_metrics.people.config_sync` -- the configuration's people applied to the database.

Imports stay explicit (``from ospo_metrics.people.identity import ...``): this package is
imported by the store, so it must not import the store back at import time.
"""
