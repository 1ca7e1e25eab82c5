using System.Text;

namespace GameLoop;

/// <summary>The field the entities live on. Only loop code touches it, so it needs no locks.</summary>
internal sealed class World
{
    public const int Width = 48;
    public const int Rows = 4;

    public List<Entity> Entities { get; } = [];

    /// <summary>How many bullets reached the right edge.</summary>
    public int Hits { get; set; }

    public Entity Add(Entity entity)
    {
        Entities.Add(entity);
        return entity;
    }

    /// <summary>The field as text: a border, then one line per row.</summary>
    public string Draw(long frame)
    {
        var rows = Enumerable.Range(0, Rows).Select(_ => Enumerable.Repeat('.', Width).ToArray()).ToArray();
        foreach (var entity in Entities.Where(e => e.Visible && e.Column is >= 0 and < Width))
        {
            rows[entity.Row][entity.Column] = entity.Glyph;
        }

        var text = new StringBuilder();
        text.AppendLine($"+{new string('-', Width)}+  frame {frame,4}  entities {Entities.Count,2}  hits {Hits,2}");
        foreach (var row in rows)
        {
            text.Append('|').Append(row).AppendLine("|");
        }

        text.Append('+').Append('-', Width).Append('+');
        return text.ToString();
    }
}
