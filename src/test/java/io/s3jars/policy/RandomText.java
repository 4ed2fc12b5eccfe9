package io.s3jars.policy;

import java.util.Random;

/** Random strings over a small alphabet, for checking a hand-written matcher against its regex. */
final class RandomText {

    private RandomText() {
    }

    static String of(Random random, String alphabet, int maxLength) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int j = 0; j < length; j++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
