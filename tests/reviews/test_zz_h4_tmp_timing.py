import time
import pytest
import time_machine
from django.urls import reverse
from tests.reviews import precheck_world
pytestmark = pytest.mark.django_db

def test_time(client, django_user_model, reviewer, other_reviewer):
    with time_machine.travel(precheck_world.JULY, tick=False):
        precheck_world.build(django_user_model, reviewer=reviewer, other_reviewer=other_reviewer, n_a=1000, n_b=5, capacity=1100)
        client.force_login(reviewer)
        client.get(reverse("reviews:precheck"))
        t = time.perf_counter(); r = client.get(reverse("reviews:precheck")); d = time.perf_counter() - t
        print("\nTIME", d, len(r.content))
