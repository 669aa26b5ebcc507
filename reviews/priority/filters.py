"""The priority screen's and API's filters: the survey filters, priority standards unless asked."""

from reviews.survey.filters import SurveyStandardFilter


class PriorityStandardFilter(SurveyStandardFilter):
    """Without a `priority` parameter, only the priority standards (`priority=false` lists the
    others, an empty `priority=` all of them): the one place this default is set."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "priority" not in data:
            data = data.copy()
            data["priority"] = "true"
        super().__init__(data, *args, **kwargs)
