namespace GameLoop;

/// <summary>Something drawn on the field: a glyph at a column of a row. Its coroutine moves it; the renderer draws it.</summary>
internal sealed class Entity(string name, char glyph, int row, int column)
{
    public string Name { get; } = name;

    public char Glyph { get; set; } = glyph;

    public int Row { get; } = row;

    public int Column { get; set; } = column;

    public bool Visible { get; set; } = true;
}
