"""The candidates API: JIS cited in the caller's specifications but not yet surveyed."""

from rest_framework import mixins, serializers, viewsets

from reviews.evidence import selectors
from reviews.evidence.filters import CandidateFilter
from standards.specifications.api import CanUseSpecifications


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title_ja = serializers.CharField()
    title_en = serializers.CharField()
    ministries = serializers.SerializerMethodField()
    citing_documents = serializers.IntegerField(help_text="Documents citing it that you can see.")
    citations_to_fix = serializers.IntegerField(
        help_text="Of its citations: withdrawn or superseded."
    )
    survey_fiscal_year = serializers.IntegerField(source="survey_fy", allow_null=True)
    review_due_on = serializers.DateField(allow_null=True)

    def get_ministries(self, standard) -> list[str]:
        return [m.code for m in standard.ministries.all()]


class CandidateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """JIS cited in the specifications the caller sees (coordinators: every ministry's) that no
    survey assignment covers yet — candidates for the next batch, most cited first. Filter by
    division, planned (in the plan or not) and to_fix (cited withdrawn or superseded)."""

    serializer_class = CandidateSerializer
    permission_classes = [CanUseSpecifications]
    filterset_class = CandidateFilter
    ordering_fields = ("number", "citing_documents")

    def get_queryset(self):
        return selectors.candidate_standards(self.request.user)
