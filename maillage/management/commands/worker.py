"""The one background worker: queued tasks (emails, reminders, link checks) and periodic jobs."""

import os
from argparse import RawDescriptionHelpFormatter

from django.core.management.base import DjangoHelpFormatter
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from maillage.scheduler import SchedulerThread, run_due


class Command(db_worker.Command):
    help = """Run the background worker.

It executes the tasks queued in the database (emails, reminders, link checks) and enqueues the
periodic jobs that apps list in their tasks module (PERIODIC): freshness reminders and recurring events once a day,
website checks once an hour. Each periodic job is enqueued at most once per period however many
workers run, so start as many workers as the load needs.

  development   `make run` starts one beside runserver; emails print on its console.
  production    `python manage.py worker --no-reload` under a process supervisor (systemd, a
                container) with the web server's environment (DATABASE_URL, EMAIL_URL...);
                SIGTERM stops it after the current task.
  cron          `python manage.py worker --batch` enqueues what is due, runs the whole queue
                and exits.

Options are those of django-tasks-db's db_worker, plus --no-scheduler and --schedule-interval."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        class Formatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
            pass

        return super().create_parser(prog_name, subcommand, formatter_class=Formatter, **kwargs)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="scheduler",
            help="Only run queued tasks; do not enqueue the periodic jobs.",
        )
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=60.0,
            help="Seconds between two looks at the periodic jobs (default: %(default)s).",
        )

    def handle(self, *args, scheduler, schedule_interval, **options):
        if scheduler:
            if options["batch"]:
                for name in run_due():
                    self.stdout.write(f"enqueued {name}")
            elif not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                # With --reload, the parent process only watches files: the child schedules.
                SchedulerThread(schedule_interval).start()
        return super().handle(*args, **options)
