"""CloudTrail: DescribeTrails by name (amazon.aws.cloudtrail), default event selectors, DeleteTrail by ARN."""

from __future__ import annotations

import json


def cloudtrail_describe_trails_by_name() -> None:
    """DescribeTrails returns only the trails that ``trailNameList`` names, as AWS does.

    moto 5.2.5 ignores ``trailNameList`` and answers every trail of the region plus every
    multi-region trail of the account's other regions, so amazon.aws.cloudtrail (which asks for
    its trail by name and takes the first answer) reads, and then updates, another region's
    trail. AWS matches a name only against the trails whose home is the caller's region, and an
    ARN against any trail of the account the caller can see (its own and the shadows of
    multi-region trails); an empty or missing list keeps moto's answer (the region's trails and
    the shadows, unless ``includeShadowTrails`` is false).
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    original = CloudTrailResponse.describe_trails

    def describe_trails(self):  # type: ignore[no-untyped-def]
        names = self._get_param("trailNameList") or []
        if not names:
            return original(self)
        backend = self.cloudtrail_backend
        visible = backend.describe_trails(include_shadow_trails=True)
        found = [t for t in visible
                 if t.arn in names or (t.trail_name in names and t.region_name == backend.region_name)]
        return json.dumps({"trailList": [t.description(include_region=True) for t in found]})

    CloudTrailResponse.describe_trails = describe_trails


# What CloudTrail gives a trail created without selectors: every management event, no data event.
CLOUDTRAIL_DEFAULT_EVENT_SELECTORS = [
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []},
]


def cloudtrail_default_event_selectors() -> None:
    """A new trail records all management events, as on AWS.

    moto 5.2.5 answers GetEventSelectors of a new trail with no selector at all, which on AWS
    means a trail that records nothing; CloudTrail gives every new trail one classic selector
    (all management events, read and write, no data events).
    """
    import copy

    from moto.cloudtrail.models import Trail

    original = Trail.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        self.event_selectors = copy.deepcopy(CLOUDTRAIL_DEFAULT_EVENT_SELECTORS)

    Trail.__init__ = __init__


def cloudtrail_delete_trail_by_arn() -> None:
    """DeleteTrail accepts the trail's ARN, as AWS does.

    moto 5.2.5 deletes only a trail named exactly by its argument and answers 200 for anything
    else, so amazon.aws.cloudtrail's state=absent (which passes the trail's ARN) left the trail
    in place and reported it deleted. Resolve a name or an ARN of the region's trails; a missing
    trail answers TrailNotFoundException, as on AWS.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    def delete_trail(self, name):  # type: ignore[no-untyped-def]
        trail = self.get_trail(name)
        del self.trails[trail.trail_name]

    CloudTrailBackend.delete_trail = delete_trail
