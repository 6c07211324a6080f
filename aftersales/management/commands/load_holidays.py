from django.core.management.base import BaseCommand

from aftersales.workcalendar import seed_from_holidays


class Command(BaseCommand):
    help = "Load China's public holidays and make-up working days for the given years."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        created = seed_from_holidays(years)
        self.stdout.write(self.style.SUCCESS(f"{created} calendar days added for {', '.join(map(str, years))}."))
