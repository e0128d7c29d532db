/** A 2 x 2 study with two seeds, shared by the study and sweep tests. */
import { type Study, values } from "../study.ts";

export const toyStudy: Study = {
  name: "toy",
  title: "a 2 x 2 grid",
  base: { steps: 3 },
  axes: [
    values("mixer", ["mlp", "attention"]),
    {
      name: "depth",
      points: [
        { label: "shallow", set: { layers: 1, n: 3 } },
        { label: "deep", set: { layers: 2, n: 1 } },
      ],
    },
  ],
  seeds: [0, 1],
};
