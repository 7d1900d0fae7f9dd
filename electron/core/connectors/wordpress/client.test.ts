import { describe, expect, it } from 'vitest';
import { apiRootFromLinkHeader, routeUrl, sameOrigin } from './client';

describe('WordPress REST API discovery and routes', () => {
  it('reads the api.w.org link among others, relative or absolute', () => {
    const header = '<https://blog.example.com/wp-json/wp/v2/pages/2>; rel="alternate"; type="application/json", <https://blog.example.com/wp-json/>; rel="https://api.w.org/"';
    expect(apiRootFromLinkHeader(header, 'https://blog.example.com/')).toBe('https://blog.example.com/wp-json/');
    expect(apiRootFromLinkHeader('</index.php?rest_route=/>; rel="https://api.w.org/"', 'https://blog.example.com/fr/')).toBe('https://blog.example.com/index.php?rest_route=/');
    expect(apiRootFromLinkHeader('<https://blog.example.com/feed/>; rel="alternate"', 'https://blog.example.com/')).toBeNull();
    expect(apiRootFromLinkHeader(null, 'https://blog.example.com/')).toBeNull();
  });

  it('sends the password only to the site’s own origin', () => {
    expect(sameOrigin('https://blog.example.com/wp-json/', 'https://blog.example.com/')).toBe(true);
    expect(sameOrigin('https://evil.example/wp-json/', 'https://blog.example.com/')).toBe(false);
    expect(sameOrigin('http://blog.example.com/wp-json/', 'https://blog.example.com/')).toBe(false);
  });

  it('joins routes and parameters to plain and pretty roots', () => {
    expect(routeUrl('https://b.example/index.php?rest_route=/', 'wp/v2/comments', { status: 'all', page: 2 })).toBe(
      'https://b.example/index.php?rest_route=%2Fwp%2Fv2%2Fcomments&status=all&page=2',
    );
    expect(routeUrl('https://b.example/blog/wp-json/', 'wp/v2/comments/5', { force: 'true' })).toBe('https://b.example/blog/wp-json/wp/v2/comments/5?force=true');
  });
});
