import type { MaskSession } from "@/components/mask-editor/mask-session";
import { imageToScreen } from "@/components/mask-editor/view";

/**
 * The screen-sized layer over the mask: the rectangle or lasso being drawn and the brush's outline
 * at its painted size. Black under white, so it reads on any image.
 */
export function drawPreview(context: CanvasRenderingContext2D, session: MaskSession, pixelRatio: number): void {
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, context.canvas.width, context.canvas.height);
  context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
  const { gesture, tool, size, spaceHeld } = session.tools;
  const view = session.view;
  if (gesture.kind === "rectangle") {
    const a = imageToScreen(view, gesture.start);
    const b = imageToScreen(view, gesture.end);
    outline(context, () => context.rect(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y)));
  } else if (gesture.kind === "lasso") {
    outline(context, () => {
      gesture.points.forEach((point, index) => {
        const p = imageToScreen(view, point);
        if (index === 0) context.moveTo(p.x, p.y);
        else context.lineTo(p.x, p.y);
      });
      context.closePath();
    });
  }
  const brushing = tool === "brush" || tool === "eraser" || gesture.kind === "stroke";
  if (session.hover && brushing && !spaceHeld && gesture.kind !== "pan" && gesture.kind !== "pinch") {
    const { x, y } = session.hover;
    outline(context, () => context.arc(x, y, Math.max(1, (size / 2) * view.scale), 0, Math.PI * 2));
  }
}

function outline(context: CanvasRenderingContext2D, path: () => void): void {
  context.beginPath();
  path();
  context.lineWidth = 3;
  context.strokeStyle = "rgba(0, 0, 0, 0.6)";
  context.stroke();
  context.lineWidth = 1;
  context.strokeStyle = "rgba(255, 255, 255, 0.95)";
  context.stroke();
}
