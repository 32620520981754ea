"""REST endpoints of tasks."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agenda import services
from agenda.models import Task
from agenda.serializers import CompleteTaskSerializer, TaskSerializer


class TaskFilter(filters.FilterSet):
    assignee = filters.CharFilter(field_name="assignee__username")
    customer = filters.CharFilter(field_name="customer__number")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Task
        fields = ["status", "origin", "kind"]


class TaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks on the customers the user may see."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["id", "due_on"]

    def get_queryset(self) -> QuerySet:
        return Task.objects.visible_to(self.request.user).select_related(
            "customer", "assignee", "alert__rule", "step"
        )

    @extend_schema(request=CompleteTaskSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        """Done: a call, visit, e-mail or letter is logged on the customer's timeline."""
        payload = CompleteTaskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        task = services.complete_task(self.get_object(), request.user, **payload.validated_data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)
