"""Kept for existing imports: objectives live in :mod:`ospo_metrics.strategy.objectives`."""

from ospo_metrics.strategy.objectives import ObjectiveView, evaluate_objectives, objectives_table

__all__ = ["ObjectiveView", "evaluate_objectives", "objectives_table"]
