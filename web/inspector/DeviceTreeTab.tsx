import { useMemo } from 'react';
import { decodeDeviceTree, type DeviceTreeNode } from './device-tree-text';

function NodeView({ node, depth }: { node: DeviceTreeNode; depth: number }) {
  return (
    <details className="dt-node" open={depth < 2}>
      <summary>
        <span className="dt-name">{node.name}</span>
        {node.children.length > 0 && <span className="muted small"> {node.children.length}</span>}
      </summary>
      <dl className="dt-props">
        {node.properties.map((p) => (
          <div key={p.name}>
            <dt>{p.name}</dt>
            <dd>{p.value}</dd>
          </div>
        ))}
      </dl>
      {node.children.map((child) => (
        <NodeView key={child.name} node={child} depth={depth + 1} />
      ))}
    </details>
  );
}

/** The DTB the VMM gave the kernel in a1, decoded with core/fdt's reader. */
export function DeviceTreeTab({ dtb }: { dtb: Uint8Array }) {
  const tree = useMemo(() => {
    try {
      return decodeDeviceTree(dtb);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }, [dtb]);
  if (typeof tree === 'string') return <p className="error-text">Cannot decode the DTB: {tree}</p>;
  return (
    <div className="device-tree" data-testid="device-tree">
      <NodeView node={tree} depth={0} />
    </div>
  );
}
