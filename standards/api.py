"""The catalog API: thin adapters over selectors and services."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from accounts.roles import is_coordinator
from standards import selectors, services
from standards.dates import action_date_problems
from standards.filters import ORDERING_FIELDS, StandardFilter
from standards.models import Degree, InternationalCorrespondence, Ministry, Standard, StrategicField
from standards.numbers import InvalidJisNumber, parse_jis_number


class CatalogPermission(permissions.IsAuthenticated):
    """Everyone signed in reads; coordinators and administrators write."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or is_coordinator(request.user)


class MinistrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Ministry
        fields = ("code", "name_ja", "name_en")


class CorrespondenceSerializer(serializers.ModelSerializer):
    degree = serializers.ChoiceField(choices=Degree.choices, allow_blank=True, required=False)

    class Meta:
        model = InternationalCorrespondence
        fields = ("designation", "degree")


class StandardSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="get_division_display", read_only=True)
    ministries = MinistrySerializer(many=True, read_only=True)
    ministry_codes = serializers.PrimaryKeyRelatedField(
        source="ministries",
        queryset=Ministry.objects.all(),
        many=True,
        write_only=True,
        required=False,
    )
    drafting_body = serializers.StringRelatedField(read_only=True)
    correspondences = CorrespondenceSerializer(many=True, required=False)
    strategic_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=StrategicField.choices), required=False
    )
    ics_codes = serializers.ListField(
        child=serializers.RegexField(r"^\d{2}(\.\d{3}(\.\d{2})?)?$"), required=False
    )

    class Meta:
        model = Standard
        fields = (
            "id",
            "number",
            "division",
            "division_name",
            "title_ja",
            "title_en",
            "status",
            "established_on",
            "revised_on",
            "confirmed_on",
            "review_due_on",
            "review_due_fy",
            "ministries",
            "ministry_codes",
            "drafting_body",
            "ics_codes",
            "correspondences",
            "fast_track",
            "strategic_fields",
            "is_generated",
            "updated_at",
        )
        read_only_fields = (
            "division",
            "review_due_on",
            "review_due_fy",
            "is_generated",
            "updated_at",
        )

    def validate_number(self, value):
        try:
            number = parse_jis_number(value).canonical
        except InvalidJisNumber as exc:
            raise serializers.ValidationError(str(exc)) from None
        others = Standard.objects.filter(number=number)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                _("%(number)s is already in the catalog.") % {"number": number}
            )
        return number

    def validate(self, attrs):
        dates = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("established_on", "revised_on", "confirmed_on")
        }
        problems = action_date_problems(**dates, today=timezone.localdate())
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    def create(self, validated_data):
        return self._save(Standard(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, standard, validated_data):
        correspondences = validated_data.pop("correspondences", None)
        ministries = validated_data.pop("ministries", None)
        for name, value in validated_data.items():
            setattr(standard, name, value)
        user = self.context["request"].user
        return services.standard_save(
            standard=standard,
            by=user,
            ministries=ministries,
            correspondences=correspondences,
            reason="API",
        )


@extend_schema_view(
    list=extend_schema(summary="List and search standards"),
    retrieve=extend_schema(summary="One standard"),
)
class StandardViewSet(viewsets.ModelViewSet):
    serializer_class = StandardSerializer
    permission_classes = [CatalogPermission]
    filterset_class = StandardFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ("division", "number")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.standard_detail_queryset()
