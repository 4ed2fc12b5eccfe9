package io.s3jars.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3jars.mutation.PodContract;

/** The container images of a pod, compared between the old and the new object of an UPDATE. */
final class Images {

    private Images() {
    }

    /** True when every container list has the same containers with the same images, in order. */
    static boolean same(JsonNode before, JsonNode after) {
        for (String list : PodContract.CONTAINER_LISTS) {
            JsonNode old = before.path("spec").path(list);
            JsonNode now = after.path("spec").path(list);
            if (old.size() != now.size()) {
                return false;
            }
            for (int i = 0; i < old.size(); i++) {
                if (!old.get(i).path("name").equals(now.get(i).path("name"))
                        || !old.get(i).path("image").equals(now.get(i).path("image"))) {
                    return false;
                }
            }
        }
        return true;
    }
}
