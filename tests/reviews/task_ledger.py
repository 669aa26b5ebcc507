"""Which deliveries of a Celery task this process published, and what a worker in this process made
of each. A test waits until every published delivery has run before it counts the mail, so a
duplicate that arrives late is counted too, where a fixed sleep would have missed it."""

from celery.signals import after_task_publish, task_postrun


class TaskLedger:
    def __init__(self, task):
        self.task = task
        self.published: list[str] = []  # task ids, in the order they were sent to the broker
        self.finished: dict[str, object] = {}  # task id → what the task returned

    def __enter__(self):
        after_task_publish.connect(self._published, sender=self.task.name, weak=False)
        task_postrun.connect(self._finished, weak=False)  # the worker's sender is not the proxy
        return self

    def __exit__(self, *exc):
        after_task_publish.disconnect(self._published, sender=self.task.name)
        task_postrun.disconnect(self._finished)

    def _published(self, sender=None, headers=None, **kwargs):
        self.published.append(headers["id"])

    def _finished(self, sender=None, task_id=None, retval=None, **kwargs):
        if getattr(sender, "name", None) == self.task.name:
            self.finished[task_id] = retval

    def settled(self) -> bool:
        """Every delivery published so far has been run to the end."""
        return all(task_id in self.finished for task_id in self.published)

    def outcomes(self) -> list:
        """What each published delivery returned, sorted."""
        return sorted(str(self.finished.get(task_id)) for task_id in self.published)
