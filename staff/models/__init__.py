from .care import Festival, Greeting
from .profiles import StaffProfile
from .ratings import RatingCorrection, SixHeartsRating
from .rewards import RewardPenalty
from .training import (
    Attendance,
    Topic,
    TrainingEvent,
    TrainingMaterial,
    TrainingPlan,
    TrainingPlanItem,
    TrainingSession,
)

__all__ = [
    "Attendance",
    "Festival",
    "Greeting",
    "RatingCorrection",
    "RewardPenalty",
    "SixHeartsRating",
    "StaffProfile",
    "Topic",
    "TrainingEvent",
    "TrainingMaterial",
    "TrainingPlan",
    "TrainingPlanItem",
    "TrainingSession",
]
