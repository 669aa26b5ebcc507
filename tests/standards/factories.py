import datetime as dt

import factory

from standards.models import DraftingBody, InternationalCorrespondence, Ministry, Standard


class DraftingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftingBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"一般社団法人テスト工業会{n}")


class StandardFactory(factory.django.DjangoModelFactory):
    """A standard with ministries given as codes: StandardFactory(ministries=["METI", "MHLW"])."""

    class Meta:
        model = Standard
        django_get_or_create = ("number",)
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"JIS B {1000 + n:04d}")
    title_ja = factory.Sequence(lambda n: f"試験用規格{n}")
    established_on = dt.date(2015, 6, 1)
    drafting_body = factory.SubFactory(DraftingBodyFactory)

    @factory.post_generation
    def ministries(self, create, codes, **kwargs):
        if create:
            self.ministries.set(Ministry.objects.filter(code__in=codes or ["METI"]))

    @factory.post_generation
    def correspondences(self, create, items, **kwargs):
        for designation, degree in items or []:
            InternationalCorrespondence.objects.create(
                standard=self, designation=designation, degree=degree
            )
