from celery import shared_task

from .services import plan_visits_chase, plan_visits_generate


@shared_task
def generate_plan_visits():
    """Create the planned visits of the next two weeks, once per plan, customer and date."""
    return plan_visits_generate()


@shared_task
def chase_overdue_plan_visits():
    """E-mail the engineer of each overdue planned visit, once per visit per day."""
    return plan_visits_chase()
